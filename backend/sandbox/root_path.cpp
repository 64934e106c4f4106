#include "backend/sandbox/root_path.hpp"

#include "support/atomic_file.hpp"

#include <algorithm>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

namespace {

std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto next = path.find('/', pos);
    if (next == std::string_view::npos) {
      next = path.size();
    }
    if (next > pos) {
      parts.emplace_back(path.substr(pos, next - pos));
    }
    pos = next + 1;
  }
  return parts;
}

} // namespace

std::filesystem::path host_path(const std::filesystem::path& root, std::string_view in_root) {
  std::string text = root.string();
  while (!text.empty() && text.back() == '/') {
    text.pop_back();
  }
  return text + (in_root.empty() || in_root.front() != '/' ? "/" : "") + std::string(in_root);
}

Result<std::string> resolve_in_root(const std::filesystem::path& root, std::string_view path,
                                    bool follow_last) {
  // `pending` holds the components still to walk, last component at the back.
  auto pending = split(path);
  std::reverse(pending.begin(), pending.end());
  std::vector<std::string> done;
  int hops = 0;
  while (!pending.empty()) {
    std::string part = std::move(pending.back());
    pending.pop_back();
    if (part == ".") {
      continue;
    }
    if (part == "..") {
      if (!done.empty()) {
        done.pop_back();
      }
      continue;
    }
    done.push_back(part);
    if (pending.empty() && !follow_last) {
      break;
    }
    std::string current;
    for (const auto& d : done) {
      current += "/" + d;
    }
    const auto on_host = host_path(root, current);
    struct stat st {};
    if (::lstat(on_host.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) {
      continue; // missing tails stay as written
    }
    if (++hops > 40) {
      return fail("too many levels of symbolic links resolving {} in the rootfs", path);
    }
    std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
    const auto n = ::readlink(on_host.c_str(), target.data(), target.size());
    if (n < 0) {
      return fail("readlink {}: cannot read the link", current);
    }
    target.resize(static_cast<std::size_t>(n));
    done.pop_back();
    if (!target.empty() && target.front() == '/') {
      done.clear();
    }
    auto parts = split(target);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      pending.push_back(*it);
    }
  }
  std::string out;
  for (const auto& d : done) {
    out += "/" + d;
  }
  return out.empty() ? std::string("/") : out;
}

Result<std::string> read_in_root(const std::filesystem::path& root, std::string_view path) {
  auto resolved = resolve_in_root(root, path);
  if (!resolved) {
    return std::unexpected(resolved.error());
  }
  return support::read_file(host_path(root, *resolved));
}

} // namespace distill::backend::sandbox
