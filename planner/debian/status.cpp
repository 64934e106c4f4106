#include "planner/debian/status.hpp"

#include "planner/debian/control.hpp"
#include "support/atomic_file.hpp"

#include <algorithm>
#include <system_error>
#include <vector>

namespace distill::planner::debian {
namespace {

// apt gives the installed version this priority (below a normal source's
// 500), so an index version of the same name wins only when it is newer.
constexpr int k_installed_priority = 100;

IndexOrigin status_origin(std::string_view name) {
  IndexOrigin origin;
  origin.file = std::string(name);
  origin.suite = "now";
  origin.pin_priority = k_installed_priority;
  return origin;
}

} // namespace

bool is_installed_status(std::string_view status) {
  // "want flag state": the package is on disk when the state is "installed"
  // and dpkg flags no error ("ok"), whatever the selection.
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < status.size()) {
    std::size_t end = status.find_first_of(" \t", pos);
    if (end == std::string_view::npos) {
      end = status.size();
    }
    if (end > pos) {
      words.push_back(status.substr(pos, end - pos));
    }
    pos = end + 1;
  }
  return words.size() == 3 && (words[0] == "install" || words[0] == "hold") && words[1] == "ok" &&
         words[2] == "installed";
}

support::Result<PackageIndex> parse_status(std::string text, std::string_view name) {
  PackageIndex index;
  AddOptions options;
  options.keep = [](const Stanza& s) { return is_installed_status(s.get("Status")); };
  if (auto ok = index.add(std::move(text), status_origin(name), options); !ok) {
    return std::unexpected(ok.error());
  }
  return index;
}

support::Result<PackageIndex> load_status_file(const std::filesystem::path& path) {
  auto text = support::read_file(path);
  if (!text) {
    return std::unexpected(text.error());
  }
  return parse_status(std::move(*text), path.string());
}

support::Result<PackageIndex> load_status_dir(const std::filesystem::path& path) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    std::string file = it->path().filename().string();
    if (file.find('.') != std::string::npos || !it->is_regular_file(ec)) {
      continue;
    }
    files.push_back(it->path());
  }
  if (ec) {
    return support::fail("{}: {}", path.string(), ec.message());
  }
  std::sort(files.begin(), files.end());
  PackageIndex index;
  AddOptions options;
  options.keep = [](const Stanza& s) {
    return !s.has("Status") || is_installed_status(s.get("Status"));
  };
  for (const auto& file : files) {
    auto text = support::read_file(file);
    if (!text) {
      return std::unexpected(text.error());
    }
    if (auto ok = index.add(std::move(*text), status_origin(file.string()), options); !ok) {
      return std::unexpected(ok.error());
    }
  }
  return index;
}

support::Result<PackageIndex> load_installed(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return load_status_dir(path);
  }
  return load_status_file(path);
}

} // namespace distill::planner::debian
