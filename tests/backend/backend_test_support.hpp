#pragma once

// Small helpers shared by the backend tests.

#include "backend/fetch/curl_handles.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace distill::testing {

// libcurl's global init, once per test process (main does it in the cli).
inline void ensure_curl() {
  static auto global = backend::fetch::CurlGlobal::init();
  ASSERT_TRUE(global.has_value()) << global.error().message;
}

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "distill-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) {
      m_path = pattern;
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

} // namespace distill::testing
