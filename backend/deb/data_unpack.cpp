#include "backend/deb/data_unpack.hpp"

#include "backend/deb/usrmerge.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

namespace distill::backend::deb {

using support::fail;
using support::Result;

namespace {

constexpr std::size_t k_chunk = 1u << 16;

bool is_top_level(std::string_view path) { return path.find('/', 1) == std::string_view::npos; }

// Spool file names keep only harmless characters of the label.
std::string sanitize(std::string_view label) {
  std::string out;
  for (const char c : label) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == '_' || c == '+';
    out += ok ? c : '_';
  }
  return out.empty() ? std::string("deb") : out;
}

} // namespace

Result<std::string> member_path(std::string_view stored) {
  if (stored.empty()) {
    return fail("empty member name");
  }
  if (stored.find('\0') != std::string_view::npos) {
    return fail("member name contains a NUL byte");
  }
  std::size_t start = 0;
  while (start <= stored.size()) {
    const auto slash = stored.find('/', start);
    const auto end = slash == std::string_view::npos ? stored.size() : slash;
    if (stored.substr(start, end - start) == "..") {
      return fail("unsafe member name '{}': contains '..'", stored);
    }
    start = end + 1;
  }
  return fs::normalize_path(stored);
}

DataUnpacker::DataUnpacker(const ReadOptions& options, std::string label, DebPackage& out)
    : m_options(options), m_label(std::move(label)), m_out(out) {}

DataUnpacker::~DataUnpacker() {
  if (m_spool != nullptr) {
    std::fclose(m_spool);
    if (!m_keep) {
      ::unlink(m_spool_path.c_str());
    }
  }
}

Result<fs::Content> DataUnpacker::read_content(const TarMember& member, MemberBytes& bytes) {
  const bool spool = !m_options.spool_dir.empty() && member.size >= m_options.spool_threshold;
  if (!spool) {
    std::string data;
    data.reserve(member.size);
    char buffer[k_chunk];
    for (;;) {
      auto n = bytes.read(buffer, sizeof buffer);
      if (!n) {
        return std::unexpected(n.error());
      }
      if (*n == 0) {
        break;
      }
      data.append(buffer, *n);
    }
    return fs::Content::from_bytes(std::move(data));
  }
  if (m_spool == nullptr) {
    std::error_code ec;
    std::filesystem::create_directories(m_options.spool_dir, ec);
    std::string name = (m_options.spool_dir / (sanitize(m_label) + ".XXXXXX")).string();
    const int fd = mkstemp(name.data());
    if (fd < 0) {
      return fail("creating a spool file in {}: {}", m_options.spool_dir.string(),
                  std::strerror(errno));
    }
    m_spool = fdopen(fd, "wb");
    if (m_spool == nullptr) {
      ::close(fd);
      return fail("opening spool file {}: {}", name, std::strerror(errno));
    }
    m_spool_path = name;
  }
  const std::uint64_t offset = m_spool_size;
  std::uint64_t copied = 0;
  char buffer[k_chunk];
  for (;;) {
    auto n = bytes.read(buffer, sizeof buffer);
    if (!n) {
      return std::unexpected(n.error());
    }
    if (*n == 0) {
      break;
    }
    if (std::fwrite(buffer, 1, *n, m_spool) != *n) {
      return fail("writing spool file {}: {}", m_spool_path.string(), std::strerror(errno));
    }
    copied += *n;
  }
  if (std::fflush(m_spool) != 0) {
    return fail("writing spool file {}: {}", m_spool_path.string(), std::strerror(errno));
  }
  m_spool_size += copied;
  return fs::Content::from_file(m_spool_path, copied, offset);
}

Result<void> DataUnpacker::check_parents(const std::string& path) const {
  for (auto parent = fs::parent_path(path); parent != "/"; parent = fs::parent_path(parent)) {
    const fs::Entry* entry = m_out.data.find(parent);
    if (entry != nullptr && !entry->is_dir()) {
      return fail("unsafe member '{}': its parent '{}' is a {}, not a directory", path, parent,
                  fs::to_string(entry->type));
    }
  }
  return {};
}

Result<void> DataUnpacker::place(const std::string& path, fs::Entry entry) {
  if (auto ok = check_parents(path); !ok) {
    return ok;
  }
  fs::Entry* existing = m_out.data.find(path);
  if (existing != nullptr) {
    if (existing->is_dir() && entry.is_dir()) {
      return {}; // ./bin/ and ./usr/bin/ both shipped: the first one's metadata stays
    }
    if (existing->is_dir() || entry.is_dir()) {
      return fail("'{}' is shipped both as a directory and as a {}", path,
                  fs::to_string(existing->is_dir() ? entry.type : existing->type));
    }
    const fs::Entry* old_source = m_out.data.link_source(path);
    if (entry.type == fs::EntryType::regular && old_source != nullptr) {
      auto old_bytes = fs::read_content(old_source->content);
      auto new_bytes = fs::read_content(entry.content);
      if (old_bytes && new_bytes && *old_bytes == *new_bytes) {
        return {}; // merged-/usr: /bin/x and /usr/bin/x with equal bytes
      }
    }
    if (!(existing->type == fs::EntryType::symlink && entry.type == fs::EntryType::symlink &&
          existing->link_target == entry.link_target)) {
      return fail("'{}' is shipped twice with different contents (merged-/usr clash?)", path);
    }
    return {};
  }
  return m_out.data.add(path, std::move(entry));
}

Result<void> DataUnpacker::add(const TarMember& member, MemberBytes& bytes) {
  auto spelled = member_path(member.path);
  if (!spelled) {
    return std::unexpected(spelled.error());
  }
  if (*spelled == "/") {
    return {}; // "./": the root's own entry; the image's root is not the package's
  }
  m_out.listed_paths.push_back(*spelled);
  std::string path = m_options.merged_usr ? merge_usr_path(*spelled) : *spelled;
  if (path != *spelled && is_top_level(*spelled) && member.type == fs::EntryType::symlink) {
    // trixie's base-files ships the top-level links itself; keep them as shipped.
    const std::string dir = spelled->substr(1);
    if (member.link != "usr/" + dir && member.link != "/usr/" + dir) {
      return fail("'{}' -> '{}' conflicts with merged-/usr", *spelled, member.link);
    }
    path = *spelled;
  }

  fs::Entry entry;
  entry.type = member.type;
  entry.mode = member.mode & 07777;
  entry.uid = member.uid;
  entry.gid = member.gid;
  entry.uname = member.uname;
  entry.gname = member.gname;
  entry.mtime = member.mtime;

  switch (member.type) {
  case fs::EntryType::directory:
    break;
  case fs::EntryType::regular: {
    auto content = read_content(member, bytes);
    if (!content) {
      return std::unexpected(content.error());
    }
    entry.content = std::move(*content);
    break;
  }
  case fs::EntryType::symlink:
    if (member.link.empty() || member.link.find('\0') != std::string::npos) {
      return fail("symlink '{}' has an empty or invalid target", *spelled);
    }
    entry.link_target = member.link;
    break;
  case fs::EntryType::hardlink: {
    auto target = member_path(member.link);
    if (!target) {
      return fail("hard link '{}': {}", *spelled, target.error().message);
    }
    std::string target_path = m_options.merged_usr ? merge_usr_path(*target) : *target;
    const fs::Entry* source = m_out.data.find(target_path);
    if (source != nullptr && source->type == fs::EntryType::hardlink) {
      target_path = source->link_target;
      source = m_out.data.find(target_path);
    }
    if (source == nullptr || source->type != fs::EntryType::regular) {
      return fail("hard link '{}' points at '{}', which is not an earlier regular file of the "
                  "package",
                  *spelled, member.link);
    }
    entry.link_target = target_path;
    break;
  }
  default:
    return fail("'{}' is a {}; packages may not ship device nodes or fifos", *spelled,
                fs::to_string(member.type));
  }
  return place(path, std::move(entry));
}

} // namespace distill::backend::deb
