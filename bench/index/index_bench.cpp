// Loads Packages files into a PackageIndex and prints the load time and the
// peak memory; with --resolve, also times resolving those requests (with and
// without Recommends) on the loaded index.
// Usage: distill_index_bench [--repeat N] [--resolve "pkg pkg..."]... Packages...
// (decompressed files; bench/index/run.sh prepares them from the host).

#include "planner/debian/control.hpp"
#include "planner/debian/package_index.hpp"
#include "planner/debian/resolver.hpp"
#include "support/atomic_file.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <time.h>

namespace {

using distill::planner::debian::PackageIndex;
using Clock = std::chrono::steady_clock;

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// CPU time of this process: on a shared machine it varies less than the
// wall clock.
double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

} // namespace

int main(int argc, char** argv) {
  int repeat = 5;
  std::vector<std::string> files;
  std::vector<std::string> resolves;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--resolve") == 0 && i + 1 < argc) {
      resolves.emplace_back(argv[++i]);
    } else {
      files.emplace_back(argv[i]);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: distill_index_bench [--repeat N] Packages...\n");
    return 2;
  }
  std::vector<std::string> texts;
  std::size_t bytes = 0;
  for (const std::string& file : files) {
    auto text = distill::support::read_file(file);
    if (!text) {
      std::fprintf(stderr, "%s: %s\n", file.c_str(), text.error().message.c_str());
      return 1;
    }
    bytes += text->size();
    texts.push_back(std::move(*text));
  }
  long rss_before = peak_rss_kib();

  // Parse only (no index), to separate the stanza parser from the rest.
  double best_parse = 1e9;
  std::size_t stanzas = 0;
  for (int r = 0; r < repeat; ++r) {
    auto start = Clock::now();
    stanzas = 0;
    for (const std::string& text : texts) {
      auto ok = distill::planner::debian::for_each_stanza(
          text, [&](const distill::planner::debian::Stanza&) -> distill::support::Result<void> {
            ++stanzas;
            return {};
          });
      if (!ok) {
        std::fprintf(stderr, "%s\n", ok.error().message.c_str());
        return 1;
      }
    }
    best_parse = std::min(best_parse, ms_since(start));
  }

  double best_load = 1e9;
  double worst_load = 0;
  double best_cpu = 1e9;
  std::size_t packages = 0;
  PackageIndex index;
  for (int r = 0; r < repeat; ++r) {
    std::vector<std::string> copies = texts; // add() takes ownership
    auto start = Clock::now();
    double cpu_start = cpu_ms();
    index = PackageIndex();
    for (std::size_t i = 0; i < copies.size(); ++i) {
      distill::planner::debian::IndexOrigin origin;
      origin.file = files[i];
      auto ok = index.add(std::move(copies[i]), std::move(origin));
      if (!ok) {
        std::fprintf(stderr, "%s\n", ok.error().message.c_str());
        return 1;
      }
    }
    double ms = ms_since(start);
    best_cpu = std::min(best_cpu, cpu_ms() - cpu_start);
    best_load = std::min(best_load, ms);
    worst_load = std::max(worst_load, ms);
    packages = index.size();
  }
  long rss_after = peak_rss_kib();
  std::printf("files: %zu, %.1f MB, %zu stanzas, %zu package versions\n", files.size(), bytes / 1e6, stanzas,
              packages);
  std::printf("parse only:  best %.1f ms\n", best_parse);
  std::printf("index load:  best %.1f ms, worst %.1f ms wall; best %.1f ms CPU (%d runs)\n", best_load, worst_load,
              best_cpu, repeat);
  std::printf("peak RSS:    %.1f MB (texts alone %.1f MB)\n", rss_after / 1024.0, rss_before / 1024.0);
  for (const std::string& line : resolves) {
    std::vector<distill::planner::debian::Request> requests;
    std::istringstream words(line);
    std::string word;
    while (words >> word) {
      auto request = distill::planner::debian::parse_request(word);
      if (!request) {
        std::fprintf(stderr, "%s\n", request.error().message.c_str());
        return 1;
      }
      requests.push_back(*request);
    }
    for (bool recommends : {true, false}) {
      distill::planner::debian::ResolveOptions options;
      options.install_recommends = recommends;
      double best = 1e9;
      std::size_t count = 0;
      for (int r = 0; r < repeat; ++r) {
        auto start = Clock::now();
        auto result = distill::planner::debian::resolve(index, nullptr, requests, options);
        best = std::min(best, ms_since(start));
        if (!result) {
          std::fprintf(stderr, "%s\n", result.error().message.c_str());
          return 1;
        }
        count = result->install.size();
      }
      std::printf("resolve %-28s %s Recommends: %4zu packages, best %.1f ms\n", line.c_str(),
                  recommends ? "with   " : "without", count, best);
    }
  }
  return 0;
}
