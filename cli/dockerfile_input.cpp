#include "cli/dockerfile_input.hpp"

#include "cli/build_args.hpp"
#include "frontend/go_quote.hpp"
#include "support/atomic_file.hpp"

#include <filesystem>
#include <iostream>
#include <iterator>

namespace distill::cli {

std::string dockerfile_path(const std::string& file, const std::string& context) {
  if (!file.empty()) {
    return file;
  }
  const std::filesystem::path dir(context);
  std::error_code error;
  if (!std::filesystem::exists(dir / "Dockerfile", error) && std::filesystem::exists(dir / "dockerfile", error)) {
    return (dir / "dockerfile").string();
  }
  return (dir / "Dockerfile").string();
}

support::Result<std::string> read_dockerfile(const std::string& path) {
  if (path == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (std::cin.bad()) {
      return support::fail("reading standard input failed");
    }
    return text;
  }
  return support::read_file(path);
}

support::Result<std::vector<std::pair<std::string, std::string>>>
parse_build_arg_values(const std::vector<std::string>& texts) {
  std::vector<std::pair<std::string, std::string>> values;
  for (const auto& text : texts) {
    std::pair<std::string, std::string> pair;
    if (!split_key_value(text, pair, true)) {
      return support::fail("invalid --build-arg {}: expected K=V", frontend::go_quote(text));
    }
    values.push_back(std::move(pair));
  }
  return values;
}

} // namespace distill::cli
