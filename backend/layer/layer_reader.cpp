#include "backend/layer/layer_reader.hpp"

#include "backend/layer/utf8_locale.hpp"

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

namespace distill::backend::layer {

using support::fail;
using support::Result;

namespace {

constexpr std::string_view k_whiteout_prefix = ".wh.";
constexpr std::string_view k_opaque_marker = ".wh..wh..opq";

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

std::string error_text(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown libarchive error";
}

const char* member_name(archive_entry* ae) {
  const char* name = archive_entry_pathname(ae);
  return name != nullptr ? name : archive_entry_pathname_utf8(ae);
}

class Reader {
public:
  Reader(archive* a, const ReadOptions& options) : m_archive(a), m_options(options) {}

  Result<fs::Tree> run() {
    archive_entry* ae = nullptr;
    while (true) {
      const int rc = archive_read_next_header(m_archive, &ae);
      if (rc == ARCHIVE_EOF) {
        break;
      }
      if (rc < ARCHIVE_WARN) {
        return fail("reading layer: {}", error_text(m_archive));
      }
      const char* name = member_name(ae);
      if (name == nullptr) {
        return fail("reading layer: a member has no readable name");
      }
      if (auto ok = add_member(name, ae); !ok) {
        return std::unexpected(ok.error().context(fmt::format("layer member {:?}", name)));
      }
    }
    return std::move(m_tree);
  }

private:
  Result<void> add_member(std::string_view name, archive_entry* ae) {
    auto path = safe_member_path(name);
    if (!path) {
      return std::unexpected(path.error());
    }
    const std::string_view base = fs::base_name(*path);
    if (m_options.whiteouts && base.starts_with(k_whiteout_prefix)) {
      return add_whiteout(*path, base);
    }
    fs::Entry entry;
    entry.mode = archive_entry_perm(ae) & 07777;
    entry.uid = static_cast<std::uint32_t>(archive_entry_uid(ae));
    entry.gid = static_cast<std::uint32_t>(archive_entry_gid(ae));
    entry.mtime = archive_entry_mtime(ae);
    if (const char* uname = archive_entry_uname(ae); uname != nullptr) {
      entry.uname = uname;
    }
    if (const char* gname = archive_entry_gname(ae); gname != nullptr) {
      entry.gname = gname;
    }
    read_xattrs(ae, entry);
    if (const char* target = archive_entry_hardlink(ae); target != nullptr) {
      auto target_path = safe_member_path(target);
      if (!target_path) {
        return fail("hard link target: {}", target_path.error().message);
      }
      entry.type = fs::EntryType::hardlink;
      entry.link_target = *target_path;
      return m_tree.add(*path, std::move(entry));
    }
    switch (archive_entry_filetype(ae)) {
    case AE_IFDIR: {
      entry.type = fs::EntryType::directory;
      if (const fs::Entry* existing = m_tree.find(*path); existing && existing->is_dir()) {
        entry.opaque = existing->opaque; // the marker may precede its directory
      }
      break;
    }
    case AE_IFLNK:
      entry.type = fs::EntryType::symlink;
      if (const char* target = archive_entry_symlink(ae); target != nullptr) {
        entry.link_target = target;
      } else if (const char* utf8 = archive_entry_symlink_utf8(ae); utf8 != nullptr) {
        entry.link_target = utf8;
      }
      break;
    case AE_IFCHR:
    case AE_IFBLK:
      entry.type = archive_entry_filetype(ae) == AE_IFCHR ? fs::EntryType::char_device
                                                           : fs::EntryType::block_device;
      entry.dev_major = static_cast<std::uint32_t>(archive_entry_rdevmajor(ae));
      entry.dev_minor = static_cast<std::uint32_t>(archive_entry_rdevminor(ae));
      break;
    case AE_IFIFO:
      entry.type = fs::EntryType::fifo;
      break;
    case AE_IFREG: {
      entry.type = fs::EntryType::regular;
      auto content = read_data(ae);
      if (!content) {
        return std::unexpected(content.error());
      }
      entry.content = std::move(*content);
      break;
    }
    default:
      return fail("unsupported member type (socket or unknown)");
    }
    if (*path == "/") {
      return entry.is_dir() ? m_tree.add("/", std::move(entry))
                            : fail("the root must be a directory");
    }
    return m_tree.add(*path, std::move(entry));
  }

  Result<void> add_whiteout(const std::string& path, std::string_view base) {
    const std::string parent = fs::parent_path(path);
    if (base == k_opaque_marker) {
      fs::Entry* dir = m_tree.find(parent);
      if (dir == nullptr) {
        fs::Entry implicit = fs::make_directory();
        implicit.implicit = true;
        if (auto ok = m_tree.add(parent, std::move(implicit)); !ok) {
          return ok;
        }
        dir = m_tree.find(parent);
      }
      if (!dir->is_dir()) {
        return fail("opaque marker inside a non-directory");
      }
      dir->opaque = true;
      return {};
    }
    if (base.starts_with(".wh..wh.")) {
      return {}; // other AUFS metadata (e.g. .wh..wh..plnk) carries nothing for us
    }
    const std::string victim =
        (parent == "/" ? std::string() : parent) + "/" + std::string(base.substr(4));
    return m_tree.add(victim, fs::make_whiteout());
  }

  void read_xattrs(archive_entry* ae, fs::Entry& entry) {
    if (archive_entry_xattr_reset(ae) == 0) {
      return;
    }
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    while (archive_entry_xattr_next(ae, &name, &value, &size) == ARCHIVE_OK) {
      entry.xattrs[name] = std::string(static_cast<const char*>(value), size);
    }
  }

  Result<fs::Content> read_data(archive_entry* ae) {
    const auto size = static_cast<std::uint64_t>(std::max<la_int64_t>(0, archive_entry_size(ae)));
    if (m_options.scratch_dir.empty() || size <= m_options.spill_threshold) {
      std::string data(size, '\0');
      std::size_t done = 0;
      while (done < size) {
        const auto n = archive_read_data(m_archive, data.data() + done, size - done);
        if (n < 0) {
          return fail("reading data: {}", error_text(m_archive));
        }
        if (n == 0) {
          return fail("truncated data ({} of {} bytes)", done, size);
        }
        done += static_cast<std::size_t>(n);
      }
      return fs::Content::from_bytes(std::move(data));
    }
    return spill(size);
  }

  Result<fs::Content> spill(std::uint64_t size) {
    std::string temp = (m_options.scratch_dir / "layer-file-XXXXXX").string();
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) {
      return fail("creating a scratch file in {}: {}", m_options.scratch_dir.string(),
                  std::strerror(errno));
    }
    std::vector<char> buffer(1 << 20);
    std::uint64_t done = 0;
    Result<void> result;
    while (done < size && result) {
      const auto n = archive_read_data(m_archive, buffer.data(), buffer.size());
      if (n <= 0) {
        result = n < 0 ? fail("reading data: {}", error_text(m_archive))
                       : fail("truncated data ({} of {} bytes)", done, size);
        break;
      }
      for (la_ssize_t off = 0; off < n && result;) {
        const auto w = ::write(fd, buffer.data() + off, static_cast<std::size_t>(n - off));
        if (w < 0 && errno != EINTR) {
          result = fail("writing {}: {}", temp, std::strerror(errno));
        } else if (w > 0) {
          off += w;
        }
      }
      done += static_cast<std::uint64_t>(n);
    }
    ::close(fd);
    if (!result) {
      ::unlink(temp.c_str());
      return std::unexpected(result.error());
    }
    return fs::Content::from_file(temp, size);
  }

  archive* m_archive;
  const ReadOptions& m_options;
  fs::Tree m_tree;
};

ArchivePtr new_reader() {
  ArchivePtr a(archive_read_new());
  if (a) {
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
  }
  return a;
}

} // namespace

Result<std::string> safe_member_path(std::string_view name) {
  if (name.find('\0') != std::string_view::npos) {
    return fail("name contains a NUL byte");
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    const auto slash = name.find('/', start);
    const auto end = slash == std::string_view::npos ? name.size() : slash;
    if (name.substr(start, end - start) == "..") {
      return fail("name {:?} contains '..', which could escape the root", std::string(name));
    }
    start = end + 1;
  }
  return fs::normalize_path(name);
}

Result<fs::Tree> read_layer(const std::filesystem::path& path, const ReadOptions& options) {
  const Utf8LocaleScope locale;
  ArchivePtr a = new_reader();
  if (!a) {
    return fail("cannot allocate a libarchive reader");
  }
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return fail("opening layer {}: {}", path.string(), error_text(a.get()));
  }
  auto tree = Reader(a.get(), options).run();
  if (!tree) {
    return std::unexpected(tree.error().context(path.filename().string()));
  }
  return tree;
}

Result<fs::Tree> read_layer_bytes(std::string_view bytes, const ReadOptions& options) {
  const Utf8LocaleScope locale;
  ArchivePtr a = new_reader();
  if (!a) {
    return fail("cannot allocate a libarchive reader");
  }
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return fail("opening layer: {}", error_text(a.get()));
  }
  return Reader(a.get(), options).run();
}

} // namespace distill::backend::layer
