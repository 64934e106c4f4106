// Parses a generated Dockerfile and given files, printing MB/s and the peak
// memory. Usage: distill_parse_bench [--mib N] [--repeat N] [FILE|DIR]...
// The generated file is parsed once cold, then N-1 more times.
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
#include <time.h>

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// A Dockerfile of about `bytes` bytes. The mix of instructions follows the
// shared real-world corpus (a quarter RUN, carrying most of the bytes, then
// COPY, ENV, FROM, ARG, ...), with flags, JSON, ENV pairs and heredocs.
std::string generate(std::size_t bytes) {
  std::string text = "# syntax=docker/dockerfile:1\nARG BASE=debian:bookworm-slim\n";
  for (int stage = 0; text.size() < bytes; ++stage) {
    const std::string n = std::to_string(stage);
    text += "\n# stage " + n + ": builds part " + n + " of the service\n";
    text += stage % 4 == 0 ? "FROM --platform=$BUILDPLATFORM ${BASE} AS stage" + n + "\n"
                           : "FROM ${BASE} AS stage" + n + "\n";
    text += "ARG VERSION=1." + n + "\nARG TARGETARCH\n";
    text += "ENV LANG=C.UTF-8 PATH=/opt/tool/bin:$PATH\nENV APP_HOME=/srv/app\n";
    text += "RUN apt-get update \\\n"
            " && apt-get install -y --no-install-recommends \\\n"
            "      ca-certificates curl git make gcc libc6-dev pkg-config python3 \\\n"
            "      libssl-dev zlib1g-dev unzip xz-utils \\\n"
            " && apt-get clean \\\n"
            " && rm -rf /var/lib/apt/lists/* /tmp/* /var/tmp/*\n";
    text += "RUN set -eux; \\\n"
            "    curl -fsSL \"https://downloads.example.com/tool-${VERSION}-linux-${TARGETARCH}.tar.gz\" -o /tmp/tool.tgz; \\\n"
            "    mkdir -p /opt/tool && tar -xzf /tmp/tool.tgz -C /opt/tool --strip-components=1; \\\n"
            "    rm /tmp/tool.tgz; tool --version\n";
    text += "RUN --mount=type=cache,target=/root/.cache/build make -C /src/part" + n + " install PREFIX=/usr/local\n";
    if (stage % 2 == 0) {
      text += "RUN <<EOF\nset -eu\necho \"part " + n + "\" > /etc/part\nchmod 0644 /etc/part\nEOF\n";
    }
    if (stage > 0) {
      text += "COPY --from=stage" + std::to_string(stage - 1) + " /opt/tool /opt/tool\n";
    }
    text += "COPY . /srv/app\nCOPY --chown=app:app config.yml /etc/app/config.yml\n";
    text += "WORKDIR /srv/app\n";
    if (stage % 2 == 1) {
      text += "LABEL org.opencontainers.image.version=\"1." + n + "\" org.opencontainers.image.title=\"part " + n + "\"\n";
    }
    text += "USER app\nEXPOSE 8080\n";
    text += "CMD [\"/srv/app/bin/server\", \"--port\", \"8080\"]\n";
  }
  return text;
}

// CPU time of this process: the machine may be shared, and MB/s per core is
// what the goal is about.
double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

struct Timing {
  double seconds = 0; // CPU
  double wall = 0;
  std::size_t bytes = 0;
  std::size_t instructions = 0;
  int errors = 0;
};

Timing parse_all(const std::vector<std::pair<std::string, std::string>>& files, int repeat) {
  Timing timing;
  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  for (int round = 0; round < repeat; ++round) {
    for (const auto& [name, text] : files) {
      distill::support::DiagnosticSink sink;
      const auto document = distill::frontend::parse({name, text}, sink);
      timing.bytes += text.size();
      timing.instructions += document.instructions.size();
      timing.errors += sink.error_count();
    }
  }
  timing.seconds = cpu_seconds() - cpu_start;
  timing.wall = std::chrono::duration<double>(Clock::now() - start).count();
  return timing;
}

void report(const char* what, std::size_t files, const Timing& timing) {
  const double mb = static_cast<double>(timing.bytes) / 1e6;
  std::printf("%-10s %5zu files %9.2f MB %9zu instructions %8.3f s cpu (%.3f s wall) %8.1f MB/s  (%d errors)\n",
              what, files, mb, timing.instructions, timing.seconds, timing.wall, mb / timing.seconds, timing.errors);
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
  // The first round also pays for the kernel handing out fresh pages for the
  // tree; the later rounds show the parser itself.
  report("generated", 1, parse_all(generated, 1));
  if (repeat > 1) {
    report("again", 1, parse_all(generated, repeat - 1));
  }
  if (!files.empty()) {
    report("files", files.size(), parse_all(files, repeat));
  }
  std::printf("peak memory: %.1f MiB\n", static_cast<double>(peak_rss_kib()) / 1024.0);
  return 0;
}
