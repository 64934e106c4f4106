#pragma once

// Helpers shared by the backend tests: temp dirs, running real tools.

#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

namespace distill::backend::test {

// A fresh lower-case temp directory (podman rejects upper-case paths), removed
// at destruction.
class TempDir {
public:
  TempDir() {
    // mkdtemp names are mixed case; draw lower-case names ourselves.
    static thread_local std::mt19937_64 random{std::random_device{}()};
    const auto base = std::filesystem::temp_directory_path();
    for (int attempt = 0; attempt < 100; ++attempt) {
      std::string name = "distill-img-";
      for (int i = 0; i < 10; ++i) {
        name += "abcdefghijklmnopqrstuvwxyz0123456789"[random() % 36];
      }
      if (::mkdir((base / name).c_str(), 0700) == 0) {
        m_path = base / name;
        return;
      }
    }
    throw std::runtime_error("cannot create a temporary directory");
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& leaf) const { return m_path / leaf; }

private:
  std::filesystem::path m_path;
};

struct CommandResult {
  int status = -1;
  std::string output; // stdout and stderr
};

// Runs `command` through /bin/sh, capturing stdout and stderr.
inline CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return result;
  }
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    result.output.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// True when `tool` is on PATH.
inline bool have_tool(const std::string& tool) {
  return run("command -v " + tool + " >/dev/null").status == 0;
}

} // namespace distill::backend::test
