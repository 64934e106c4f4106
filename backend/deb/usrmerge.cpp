#include "backend/deb/usrmerge.hpp"

#include <array>

namespace distill::backend::deb {

namespace {

constexpr std::array<std::string_view, 7> k_merged_dirs = {"bin",   "sbin",  "lib",   "lib32",
                                                           "lib64", "libo32", "libx32"};

bool is_merged_dir(std::string_view name) {
  for (const auto dir : k_merged_dirs) {
    if (dir == name) {
      return true;
    }
  }
  return false;
}

// The first component of a normalized path ("/bin/ls" -> "bin").
std::string_view first_component(std::string_view path) {
  if (path.size() < 2 || path[0] != '/') {
    return {};
  }
  const auto end = path.find('/', 1);
  return path.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
}

} // namespace

std::span<const std::string_view> usr_merged_dirs() { return k_merged_dirs; }

std::string merge_usr_path(std::string_view normalized) {
  if (is_merged_dir(first_component(normalized))) {
    return "/usr" + std::string(normalized);
  }
  return std::string(normalized);
}

std::set<std::string> aliased_top_dirs(std::span<const std::string> paths) {
  std::set<std::string> dirs;
  for (const auto& path : paths) {
    const auto first = first_component(path);
    if (is_merged_dir(first)) {
      dirs.emplace(first);
    }
  }
  return dirs;
}

support::Result<void> add_usr_merge_links(const std::set<std::string>& dirs, std::int64_t mtime,
                                          fs::Tree& out) {
  for (const auto& dir : dirs) {
    if (!is_merged_dir(dir)) {
      return support::fail("'{}' is not a merged-/usr directory", dir);
    }
    const std::string usr_dir = "/usr/" + dir;
    if (!out.contains(usr_dir)) {
      if (auto added = out.add(usr_dir, fs::make_directory(0755, mtime)); !added) {
        return added;
      }
    }
    if (auto added = out.add("/" + dir, fs::make_symlink("usr/" + dir, mtime)); !added) {
      return added;
    }
  }
  return {};
}

} // namespace distill::backend::deb
