// Parses a generated Dockerfile and given files, printing MB/s and the peak
// memory. Usage: distill_parse_bench [--mib N] [--repeat N] [FILE|DIR]...
// (bench/parse/run.sh passes the examples and the shared corpus).

#include "frontend/parse.hpp"
#include "support/atomic_file.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// A Dockerfile of about `bytes` bytes with every kind of line the parser
// meets in practice: long RUN continuations, JSON forms, ENV/LABEL pairs,
// flags, heredocs, comments.
std::string generate(std::size_t bytes) {
  std::string text = "# syntax=docker/dockerfile:1\nARG BASE=debian:bookworm-slim\n";
  for (int stage = 0; text.size() < bytes; ++stage) {
    const std::string n = std::to_string(stage);
    text += "\n# stage " + n + ": builds part " + n + "\n";
    text += "FROM --platform=$BUILDPLATFORM ${BASE} AS stage" + n + "\n";
    text += "ENV LANG=C.UTF-8 PATH=/opt/tool/bin:$PATH HOME=\"/home/user " + n + "\"\n";
    text += "LABEL org.opencontainers.image.title=\"part " + n + "\" org.opencontainers.image.version=1." + n + "\n";
    text += "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n"
            "    apt-get update \\\n"
            " && apt-get install -y --no-install-recommends \\\n"
            "      ca-certificates curl git make gcc libc6-dev pkg-config \\\n"
            " && rm -rf /var/lib/apt/lists/*\n";
    text += "COPY --from=stage" + n + " --chown=1000:1000 [\"/src/a b\", \"/dst/\"]\n";
    text += "COPY <<EOF /etc/part" + n + ".conf\nkey=value\nother=\"quoted\"\nEOF\n";
    text += "WORKDIR /src/" + n + "\n";
    text += "RUN set -eux; for f in a b c d e f; do echo \"$f\" >> /tmp/list; done; sort -u /tmp/list\n";
    text += "HEALTHCHECK --interval=30s CMD [\"curl\", \"-f\", \"http://localhost/\"]\n";
    text += "CMD [\"/usr/local/bin/app\", \"--config\", \"/etc/part" + n + ".conf\"]\n";
  }
  return text;
}

struct Timing {
  double seconds = 0;
  std::size_t bytes = 0;
  std::size_t instructions = 0;
  int errors = 0;
};

Timing parse_all(const std::vector<std::pair<std::string, std::string>>& files, int repeat) {
  Timing timing;
  const auto start = Clock::now();
  for (int round = 0; round < repeat; ++round) {
    for (const auto& [name, text] : files) {
      distill::support::DiagnosticSink sink;
      const auto document = distill::frontend::parse({name, text}, sink);
      timing.bytes += text.size();
      timing.instructions += document.instructions.size();
      timing.errors += sink.error_count();
    }
  }
  timing.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return timing;
}

void report(const char* what, std::size_t files, const Timing& timing) {
  const double mb = static_cast<double>(timing.bytes) / 1e6;
  std::printf("%-10s %5zu files %9.2f MB %9zu instructions %8.3f s %8.1f MB/s  (%d errors)\n", what, files, mb,
              timing.instructions, timing.seconds, mb / timing.seconds, timing.errors);
}

void add_path(const fs::path& path, std::vector<std::pair<std::string, std::string>>& files) {
  std::error_code error;
  if (fs::is_directory(path, error)) {
    std::vector<fs::path> entries;
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && (name.find("ockerfile") != std::string::npos)) {
        entries.push_back(entry.path());
      }
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& entry : entries) {
      add_path(entry, files);
    }
    return;
  }
  auto text = distill::support::read_file(path);
  if (!text) {
    std::fprintf(stderr, "distill_parse_bench: %s\n", text.error().message.c_str());
    std::exit(1);
  }
  files.emplace_back(path.string(), std::move(*text));
}

} // namespace

int main(int argc, char** argv) {
  std::size_t mib = 32;
  int repeat = 3;
  std::vector<std::pair<std::string, std::string>> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--mib") == 0 && i + 1 < argc) {
      mib = static_cast<std::size_t>(std::max(1, std::atoi(argv[++i])));
    } else if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      add_path(argv[i], files);
    }
  }
  const std::vector<std::pair<std::string, std::string>> generated = {{"generated", generate(mib << 20)}};
  report("generated", 1, parse_all(generated, 1));
  if (!files.empty()) {
    report("files", files.size(), parse_all(files, repeat));
  }
  std::printf("peak memory: %.1f MiB\n", static_cast<double>(peak_rss_kib()) / 1024.0);
  return 0;
}
