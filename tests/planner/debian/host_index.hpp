#pragma once

// Helpers for tests that use the host's own apt index and tools (dpkg,
// apt-get). Tests skip when the index is absent.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

namespace distill::planner::debian::testing {

inline const char* k_lists_dir = "/var/lib/apt/lists";

// Runs `command` through /bin/sh and returns its stdout; `status` gets the
// exit status (or -1 when it could not start).
inline std::string run_command(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    if (status) {
      *status = -1;
    }
    return out;
  }
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    out.append(buffer, n);
  }
  int rc = ::pclose(pipe);
  if (status) {
    *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  return out;
}

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// The host's amd64 Packages lists (compressed or not), sorted by name.
inline std::vector<std::filesystem::path> host_package_lists() {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(k_lists_dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.find("_binary-amd64_Packages") != std::string::npos) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// True when the host has the bookworm main amd64 index.
inline bool host_has_bookworm() {
  for (const auto& path : host_package_lists()) {
    if (path.filename().string().find("_dists_bookworm_main_binary-amd64_Packages") != std::string::npos) {
      return true;
    }
  }
  return false;
}

// The decompressed text of a Packages list (apt stores them as .lz4, .xz,
// .gz or plain); nullopt when the decompressor fails. Decompresses into a
// temporary file: reading a large pipe is slow on some virtual machines.
inline std::optional<std::string> read_package_list(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::string tool = ext == ".lz4" ? "lz4 -dc" : ext == ".xz" ? "xz -dc" : ext == ".gz" ? "gzip -dc" : "cat";
  std::string templ = (std::filesystem::temp_directory_path() / "distill-packages-XXXXXX").string();
  int fd = ::mkstemp(templ.data());
  if (fd < 0) {
    return std::nullopt;
  }
  ::close(fd);
  int status = 0;
  run_command(tool + " " + shell_quote(path.string()) + " > " + shell_quote(templ), &status);
  std::optional<std::string> text;
  if (status == 0) {
    std::ifstream in(templ, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.good() || in.eof()) {
      text = std::move(data);
    }
  }
  std::filesystem::remove(templ);
  return text;
}

// A fresh directory under $TMPDIR, removed when the object goes away.
class TempDir {
public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "distill-debian-XXXXXX").string();
    if (::mkdtemp(templ.data()) != nullptr) {
      m_path = templ;
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!m_path.empty()) {
      std::filesystem::remove_all(m_path, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

} // namespace distill::planner::debian::testing
