#include "backend/build/build_context.hpp"

#include <algorithm>
#include <string_view>
#include <system_error>

#include <fnmatch.h>

namespace distill::backend::build {

namespace stdfs = std::filesystem;

support::Result<std::vector<std::string>> list_context(const BuildContext& context) {
  std::error_code ec;
  if (!stdfs::is_directory(context.root, ec)) {
    return support::fail("build context {} is not a directory", context.root.string());
  }
  std::vector<std::string> paths;
  stdfs::recursive_directory_iterator it(context.root, stdfs::directory_options::none, ec);
  if (ec) {
    return support::fail("reading build context {}: {}", context.root.string(), ec.message());
  }
  for (; it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      return support::fail("reading build context {}: {}", context.root.string(), ec.message());
    }
    const std::string relative = it->path().lexically_relative(context.root).generic_string();
    if (context.ignored && context.ignored(relative)) {
      // An ignored directory may still hold re-included files ("!dir/keep"),
      // so only files are dropped outright; directories are walked.
      if (!it->is_directory(ec) || it->is_symlink(ec)) {
        continue;
      }
      paths.push_back(relative + "/\x01ignored");
      continue;
    }
    paths.push_back(relative);
  }
  // Directories that were ignored are kept only when something under them was not.
  std::vector<std::string> result;
  for (const auto& path : paths) {
    const auto marker = path.find("/\x01ignored");
    if (marker == std::string::npos) {
      result.push_back(path);
      continue;
    }
    const std::string dir = path.substr(0, marker);
    const bool has_kept_child = std::any_of(paths.begin(), paths.end(), [&](const std::string& other) {
      return other.size() > dir.size() + 1 && other.compare(0, dir.size() + 1, dir + "/") == 0 &&
             other.find("/\x01ignored") == std::string::npos;
    });
    if (has_kept_child) {
      result.push_back(dir);
    }
  }
  std::sort(result.begin(), result.end());
  return result;
}

namespace {

std::string clean_pattern(std::string_view pattern) {
  while (pattern.starts_with("./")) {
    pattern.remove_prefix(2);
  }
  while (pattern.starts_with('/')) {
    pattern.remove_prefix(1);
  }
  while (pattern.size() > 1 && pattern.ends_with('/')) {
    pattern.remove_suffix(1);
  }
  return pattern.empty() ? std::string(".") : std::string(pattern);
}

bool has_wildcard(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

} // namespace

std::vector<std::string> match_sources(const std::vector<std::string>& all, const std::string& raw) {
  const std::string pattern = clean_pattern(raw);
  if (pattern == ".") {
    return {"."};
  }
  std::vector<std::string> matches;
  if (!has_wildcard(pattern)) {
    if (std::binary_search(all.begin(), all.end(), pattern)) {
      matches.push_back(pattern);
    }
    return matches;
  }
  for (const auto& path : all) {
    // FNM_PATHNAME: '*' does not cross '/', as in Go's filepath.Match.
    if (fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) == 0) {
      matches.push_back(path);
    }
  }
  return matches;
}

} // namespace distill::backend::build
