#include "backend/fs/tree.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <fstream>
#include <set>

namespace distill::backend::fs {

using support::fail;
using support::Result;

namespace {

constexpr int k_max_link_hops = 40;

// Splits on '/', keeping empty and "." components for the caller to judge.
std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts) {
  if (parts.empty()) {
    return "/";
  }
  std::string out;
  for (const auto& part : parts) {
    out += '/';
    out += part;
  }
  return out;
}

// The key range [first, last) holding everything strictly below `path`:
// "/a/" .. "/a0" ('0' follows '/' in ASCII), or all keys for the root.
std::pair<std::string, std::string> subtree_bounds(const std::string& path) {
  if (path == "/") {
    return {"/", "0"};
  }
  return {path + "/", path + "0"};
}

} // namespace

std::string_view to_string(EntryType type) {
  switch (type) {
  case EntryType::regular: return "regular";
  case EntryType::directory: return "directory";
  case EntryType::symlink: return "symlink";
  case EntryType::hardlink: return "hardlink";
  case EntryType::char_device: return "char device";
  case EntryType::block_device: return "block device";
  case EntryType::fifo: return "fifo";
  case EntryType::whiteout: return "whiteout";
  }
  return "unknown";
}

Content Content::from_bytes(std::string data) {
  Content content;
  content.size = data.size();
  content.bytes = std::make_shared<const std::string>(std::move(data));
  return content;
}

Content Content::from_file(std::filesystem::path path, std::uint64_t size, std::uint64_t offset) {
  Content content;
  content.disk_path = std::move(path);
  content.size = size;
  content.disk_offset = offset;
  return content;
}

Result<std::string> read_content(const Content& content) {
  if (content.bytes) {
    return *content.bytes;
  }
  if (content.size == 0) {
    return std::string();
  }
  std::ifstream in(content.disk_path, std::ios::binary);
  if (!in) {
    return fail("cannot open {}", content.disk_path.string());
  }
  in.seekg(static_cast<std::streamoff>(content.disk_offset));
  std::string data(content.size, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (static_cast<std::uint64_t>(in.gcount()) != content.size) {
    return fail("{} is shorter than the recorded {} bytes", content.disk_path.string(),
                content.size);
  }
  return data;
}

Entry make_directory(std::uint32_t mode, std::int64_t mtime) {
  Entry entry;
  entry.type = EntryType::directory;
  entry.mode = mode;
  entry.mtime = mtime;
  return entry;
}

Entry make_file(Content content, std::uint32_t mode, std::int64_t mtime) {
  Entry entry;
  entry.type = EntryType::regular;
  entry.mode = mode;
  entry.mtime = mtime;
  entry.content = std::move(content);
  return entry;
}

Entry make_symlink(std::string target, std::int64_t mtime) {
  Entry entry;
  entry.type = EntryType::symlink;
  entry.mode = 0777;
  entry.mtime = mtime;
  entry.link_target = std::move(target);
  return entry;
}

Entry make_hardlink(std::string target_path, std::int64_t mtime) {
  Entry entry;
  entry.type = EntryType::hardlink;
  entry.mtime = mtime;
  entry.link_target = std::move(target_path);
  return entry;
}

Entry make_whiteout() {
  Entry entry;
  entry.type = EntryType::whiteout;
  entry.mode = 0;
  return entry;
}

Result<std::string> normalize_path(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) {
    return fail("path contains a NUL byte");
  }
  std::vector<std::string> out;
  for (auto& part : split(path)) {
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      if (out.empty()) {
        return fail("path {:?} climbs above the root", std::string(path));
      }
      out.pop_back();
      continue;
    }
    out.push_back(std::move(part));
  }
  return join(out);
}

std::string parent_path(std::string_view normalized) {
  const auto slash = normalized.rfind('/');
  if (slash == std::string_view::npos || slash == 0) {
    return "/";
  }
  return std::string(normalized.substr(0, slash));
}

std::string_view base_name(std::string_view normalized) {
  const auto slash = normalized.rfind('/');
  return slash == std::string_view::npos ? normalized : normalized.substr(slash + 1);
}

const Entry* Tree::find(std::string_view path) const {
  return const_cast<Tree*>(this)->find(path);
}

Entry* Tree::find(std::string_view path) {
  auto normalized = normalize_path(path);
  if (!normalized) {
    return nullptr;
  }
  if (*normalized == "/") {
    return &m_root;
  }
  auto it = m_entries.find(*normalized);
  return it == m_entries.end() ? nullptr : &it->second;
}

Entry* Tree::insert_parents(const std::string& path, std::int64_t mtime, support::Error* error) {
  std::string prefix;
  Entry* parent = &m_root;
  const auto parts = split(path);
  // parts[0] is the empty string before the leading '/', the last is the entry itself.
  for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
    prefix += '/';
    prefix += parts[i];
    auto it = m_entries.find(prefix);
    if (it == m_entries.end()) {
      Entry dir = make_directory(0755, mtime);
      dir.implicit = true;
      it = m_entries.emplace(prefix, std::move(dir)).first;
    } else if (it->second.type == EntryType::whiteout) {
      // A deleted directory that is created again hides what was below it.
      Entry dir = make_directory(0755, mtime);
      dir.implicit = true;
      dir.opaque = true;
      it->second = std::move(dir);
    } else if (it->second.is_dir() && it->second.implicit) {
      // The newest entry below decides, so the result does not depend on the
      // order entries were added in.
      it->second.mtime = std::max(it->second.mtime, mtime);
    } else if (!it->second.is_dir()) {
      *error = support::Error{
          fmt::format("cannot add {}: {} is a {}, not a directory", path, prefix,
                      to_string(it->second.type)),
          std::nullopt};
      return nullptr;
    }
    parent = &it->second;
  }
  return parent;
}

Result<void> Tree::add(std::string_view path, Entry entry) {
  auto normalized = normalize_path(path);
  if (!normalized) {
    return std::unexpected(normalized.error());
  }
  const std::string& key = *normalized;
  if (key == "/") {
    if (!entry.is_dir()) {
      return fail("cannot replace the root directory with a {}", to_string(entry.type));
    }
    m_root = std::move(entry);
    return {};
  }
  if (entry.type == EntryType::hardlink) {
    auto target = normalize_path(entry.link_target);
    if (!target) {
      return fail("hard link {}: {}", key, target.error().message);
    }
    const Entry* source = find(*target);
    if (source != nullptr && source->type == EntryType::hardlink) {
      *target = source->link_target; // keep links one level deep
      source = find(*target);
    }
    if (*target == key) {
      return fail("hard link {} points at itself", key);
    }
    if (source == nullptr || source->is_dir() || source->type == EntryType::whiteout) {
      return fail("hard link {} points at {}, which is not a file in the tree", key, *target);
    }
    entry.link_target = *target;
  }
  support::Error error;
  if (insert_parents(key, entry.mtime, &error) == nullptr) {
    return std::unexpected(error);
  }
  auto it = m_entries.find(key);
  if (it != m_entries.end()) {
    if (!(it->second.is_dir() && entry.is_dir())) {
      remove(key);
    }
  }
  m_entries.insert_or_assign(key, std::move(entry));
  return {};
}

std::size_t Tree::remove(std::string_view path) {
  auto normalized = normalize_path(path);
  if (!normalized) {
    return 0;
  }
  const std::string& key = *normalized;
  std::size_t removed = 0;
  auto [first, last] = subtree_bounds(key);
  auto begin = m_entries.lower_bound(first);
  auto end = m_entries.lower_bound(last);
  std::vector<std::string> gone;
  for (auto it = begin; it != end; ++it) {
    gone.push_back(it->first);
  }
  if (key != "/" && m_entries.contains(key)) {
    gone.push_back(key);
  }
  // Hard links to a removed file keep its content, as on a real filesystem:
  // the first surviving link becomes the file and the others point at it.
  std::set<std::string> gone_set(gone.begin(), gone.end());
  std::map<std::string, std::string> heirs; // removed file -> surviving link now holding it
  for (auto& [link_path, link] : m_entries) {
    if (link.type != EntryType::hardlink || gone_set.contains(link_path) ||
        !gone_set.contains(link.link_target)) {
      continue;
    }
    auto heir = heirs.find(link.link_target);
    if (heir == heirs.end()) {
      heirs.emplace(link.link_target, link_path);
      Entry promoted = m_entries.at(link.link_target);
      promoted.mtime = link.mtime;
      link = std::move(promoted);
    } else {
      link.link_target = heir->second;
    }
  }
  for (const auto& path_gone : gone) {
    removed += m_entries.erase(path_gone);
  }
  return removed;
}

Result<std::string> Tree::resolve(std::string_view path, bool follow_last) const {
  if (path.find('\0') != std::string_view::npos) {
    return fail("path contains a NUL byte");
  }
  std::deque<std::string> todo;
  for (auto& part : split(path)) {
    todo.push_back(std::move(part));
  }
  std::vector<std::string> done;
  int hops = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.front());
    todo.pop_front();
    if (part.empty() || part == ".") {
      continue;
    }
    if (part == "..") {
      if (!done.empty()) {
        done.pop_back();
      }
      continue;
    }
    bool last = true;
    for (const auto& rest : todo) {
      if (!rest.empty() && rest != ".") {
        last = false;
        break;
      }
    }
    done.push_back(part);
    const auto it = m_entries.find(join(done));
    if (it == m_entries.end() || it->second.type != EntryType::symlink ||
        (last && !follow_last)) {
      continue;
    }
    if (++hops > k_max_link_hops) {
      return fail("too many levels of symbolic links resolving {}", std::string(path));
    }
    done.pop_back();
    const std::string& target = it->second.link_target;
    if (target.starts_with('/')) {
      done.clear();
    }
    auto parts = split(target);
    todo.insert(todo.begin(), parts.begin(), parts.end());
  }
  return join(done);
}

const Entry* Tree::link_source(std::string_view path) const {
  const Entry* entry = find(path);
  if (entry == nullptr) {
    return nullptr;
  }
  if (entry->type == EntryType::hardlink) {
    entry = find(entry->link_target);
  }
  return entry != nullptr && entry->type == EntryType::regular ? entry : nullptr;
}

std::vector<std::string> Tree::children(std::string_view path) const {
  std::vector<std::string> out;
  auto normalized = normalize_path(path);
  if (!normalized) {
    return out;
  }
  auto [first, last] = subtree_bounds(*normalized);
  for (auto it = m_entries.lower_bound(first); it != m_entries.end() && it->first < last; ++it) {
    if (it->first.find('/', first.size()) == std::string::npos) {
      out.push_back(it->first);
    }
  }
  return out;
}

Result<void> apply_layer(Tree& lower, const Tree& layer) {
  // Hard links go last: their target may sort after them in the layer.
  for (const auto& [path, entry] : layer.entries()) {
    if (entry.type == EntryType::whiteout) {
      lower.remove(path);
      continue;
    }
    if (entry.type == EntryType::hardlink) {
      continue;
    }
    if (entry.is_dir()) {
      Entry* existing = lower.find(path);
      if (existing != nullptr && existing->is_dir() && entry.opaque) {
        for (const auto& child : lower.children(path)) {
          lower.remove(child);
        }
      }
      if (existing != nullptr && existing->is_dir() && entry.implicit) {
        continue;
      }
      Entry copy = entry;
      copy.opaque = false;
      if (auto added = lower.add(path, std::move(copy)); !added) {
        return std::unexpected(added.error().context("applying layer"));
      }
      continue;
    }
    if (auto added = lower.add(path, entry); !added) {
      return std::unexpected(added.error().context("applying layer"));
    }
  }
  for (const auto& [path, entry] : layer.entries()) {
    if (entry.type != EntryType::hardlink) {
      continue;
    }
    if (auto added = lower.add(path, entry); !added) {
      return std::unexpected(added.error().context("applying layer"));
    }
  }
  return {};
}

} // namespace distill::backend::fs
