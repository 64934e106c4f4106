#pragma once

// Helpers shared by the CLI tests, which run the real distill binary.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace distill::cli_test {

// The whole file, or "" when it cannot be read.
inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace distill::cli_test
