#include "backend/oci/rootfs_export.hpp"

#include "backend/layer/blob_dir.hpp"

#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace distill::backend::oci {

namespace stdfs = std::filesystem;
using support::fail;
using support::Result;

namespace {

class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(Fd&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      m_fd = other.m_fd;
      other.m_fd = -1;
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return m_fd; }
  bool valid() const { return m_fd >= 0; }
  void reset() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = -1;
  }

private:
  int m_fd = -1;
};

std::unexpected<support::Error> sys_error(std::string_view what, const std::string& path) {
  return fail("{} {}: {}", what, path, std::strerror(errno));
}

// Removes whatever is at dir/name, recursing into directories without
// following symlinks.
Result<void> remove_at(int dir, const char* name, const std::string& shown) {
  struct stat st {};
  if (::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? Result<void>{} : sys_error("inspecting", shown);
  }
  if (!S_ISDIR(st.st_mode)) {
    if (::unlinkat(dir, name, 0) != 0) {
      return sys_error("removing", shown);
    }
    return {};
  }
  Fd sub(::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!sub.valid()) {
    return sys_error("opening", shown);
  }
  DIR* listing = ::fdopendir(::dup(sub.get()));
  if (listing == nullptr) {
    return sys_error("listing", shown);
  }
  std::vector<std::string> children;
  while (dirent* child = ::readdir(listing)) {
    const std::string child_name = child->d_name;
    if (child_name != "." && child_name != "..") {
      children.push_back(child_name);
    }
  }
  ::closedir(listing);
  for (const auto& child : children) {
    if (auto ok = remove_at(sub.get(), child.c_str(), shown + "/" + child); !ok) {
      return ok;
    }
  }
  if (::unlinkat(dir, name, AT_REMOVEDIR) != 0) {
    return sys_error("removing", shown);
  }
  return {};
}

class Exporter {
public:
  Exporter(const stdfs::path& dest, const RootfsOptions& options)
      : m_dest(dest), m_options(options) {}

  Result<RootfsReport> run(const fs::Tree& tree) {
    std::error_code ec;
    stdfs::create_directories(m_dest, ec);
    if (ec) {
      return fail("creating {}: {}", m_dest.string(), ec.message());
    }
    m_root = Fd(::open(m_dest.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!m_root.valid()) {
      return sys_error("opening", m_dest.string());
    }
    for (const auto& [path, entry] : tree.entries()) {
      if (entry.type == fs::EntryType::hardlink || entry.type == fs::EntryType::whiteout) {
        continue;
      }
      if (auto ok = create(path, entry); !ok) {
        return std::unexpected(ok.error());
      }
    }
    // Hard links last: their file may sort after them.
    for (const auto& [path, entry] : tree.entries()) {
      if (entry.type == fs::EntryType::hardlink) {
        if (auto ok = link(path, entry); !ok) {
          return std::unexpected(ok.error());
        }
      }
    }
    // Directories deepest first, so setting a child's metadata does not touch
    // the parent's mtime and read-only directories are closed last.
    for (auto it = tree.entries().rbegin(); it != tree.entries().rend(); ++it) {
      if (it->second.is_dir()) {
        auto parent = open_parent(it->first);
        if (!parent) {
          return std::unexpected(parent.error());
        }
        const std::string name(fs::base_name(it->first));
        Fd dir(::openat(*parent, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!dir.valid()) {
          return sys_error("opening", shown(it->first));
        }
        if (auto ok = finish(dir.get(), it->first, it->second); !ok) {
          return std::unexpected(ok.error());
        }
      }
    }
    if (auto ok = finish(m_root.get(), "/", tree.root()); !ok) {
      return std::unexpected(ok.error());
    }
    return std::move(m_report);
  }

private:
  std::string shown(const std::string& path) const { return (m_dest / path.substr(1)).string(); }

  // Opens the directory holding `path`, one component at a time, never
  // following a symlink. The last one opened is cached (entries come sorted).
  Result<int> open_parent(const std::string& path) {
    const std::string parent = fs::parent_path(path);
    if (parent == "/") {
      return m_root.get();
    }
    if (m_cached_path == parent && m_cached.valid()) {
      return m_cached.get();
    }
    Fd current;
    int at = m_root.get();
    std::size_t start = 1;
    while (start <= parent.size()) {
      const auto slash = parent.find('/', start);
      const auto end = slash == std::string::npos ? parent.size() : slash;
      const std::string part = parent.substr(start, end - start);
      Fd next(::openat(at, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!next.valid()) {
        return sys_error("opening directory", shown(parent.substr(0, end)));
      }
      current = std::move(next);
      at = current.get();
      start = end + 1;
    }
    m_cached = std::move(current);
    m_cached_path = parent;
    return m_cached.get();
  }

  // A directory about to be replaced must not stay cached (its parent may).
  void forget_cached_below(const std::string& path) {
    if (m_cached_path == path || m_cached_path.starts_with(path + "/")) {
      m_cached.reset();
      m_cached_path.clear();
    }
  }

  Result<void> create(const std::string& path, const fs::Entry& entry) {
    auto parent = open_parent(path);
    if (!parent) {
      return std::unexpected(parent.error());
    }
    const int dir = *parent;
    const std::string name(fs::base_name(path));
    struct stat st {};
    const bool exists = ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (exists) {
      forget_cached_below(path);
    }
    if (entry.is_dir()) {
      if (exists && S_ISDIR(st.st_mode)) {
        return {};
      }
      if (exists) {
        if (auto ok = remove_at(dir, name.c_str(), shown(path)); !ok) {
          return ok;
        }
      }
      if (::mkdirat(dir, name.c_str(), 0700) != 0) {
        return sys_error("creating directory", shown(path));
      }
      return {};
    }
    if (exists) {
      if (auto ok = remove_at(dir, name.c_str(), shown(path)); !ok) {
        return ok;
      }
    }
    switch (entry.type) {
    case fs::EntryType::regular:
      return write_file(dir, name, path, entry);
    case fs::EntryType::symlink:
      if (::symlinkat(entry.link_target.c_str(), dir, name.c_str()) != 0) {
        return sys_error("creating symlink", shown(path));
      }
      if (m_options.chown &&
          ::fchownat(dir, name.c_str(), entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW) != 0) {
        return sys_error("changing owner of", shown(path));
      }
      return set_times_at(dir, name, path, entry);
    case fs::EntryType::char_device:
    case fs::EntryType::block_device:
    case fs::EntryType::fifo: {
      if (entry.type != fs::EntryType::fifo && !m_options.devices) {
        m_report.skipped.push_back(path + ": device nodes are not exported");
        return {};
      }
      const mode_t type = entry.type == fs::EntryType::fifo          ? S_IFIFO
                          : entry.type == fs::EntryType::char_device ? S_IFCHR
                                                                     : S_IFBLK;
      if (::mknodat(dir, name.c_str(), type | 0600, makedev(entry.dev_major, entry.dev_minor)) != 0) {
        if (errno == EPERM) {
          m_report.skipped.push_back(path + ": creating device nodes needs privileges");
          return {};
        }
        return sys_error("creating node", shown(path));
      }
      if (m_options.chown &&
          ::fchownat(dir, name.c_str(), entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW) != 0) {
        return sys_error("changing owner of", shown(path));
      }
      if (::fchmodat(dir, name.c_str(), entry.mode & 07777, 0) != 0) {
        return sys_error("changing mode of", shown(path));
      }
      return set_times_at(dir, name, path, entry);
    }
    default:
      return {};
    }
  }

  Result<void> write_file(int dir, const std::string& name, const std::string& path,
                          const fs::Entry& entry) {
    Fd out(::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out.valid()) {
      return sys_error("creating", shown(path));
    }
    auto put = [&](const char* data, std::size_t size) -> Result<void> {
      while (size > 0) {
        const auto n = ::write(out.get(), data, size);
        if (n < 0) {
          if (errno == EINTR) {
            continue;
          }
          return sys_error("writing", shown(path));
        }
        data += n;
        size -= static_cast<std::size_t>(n);
      }
      return {};
    };
    const fs::Content& content = entry.content;
    if (content.bytes) {
      if (auto ok = put(content.bytes->data(), content.bytes->size()); !ok) {
        return ok;
      }
    } else if (content.size > 0) {
      Fd in(::open(content.disk_path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!in.valid()) {
        return sys_error("reading", content.disk_path.string());
      }
      std::vector<char> buffer(1 << 20);
      std::uint64_t done = 0;
      while (done < content.size) {
        const auto want = std::min<std::uint64_t>(buffer.size(), content.size - done);
        const auto n = ::pread(in.get(), buffer.data(), want,
                               static_cast<off_t>(content.disk_offset + done));
        if (n < 0 && errno == EINTR) {
          continue;
        }
        if (n <= 0) {
          return fail("{} is shorter than the recorded {} bytes", content.disk_path.string(),
                      content.size);
        }
        if (auto ok = put(buffer.data(), static_cast<std::size_t>(n)); !ok) {
          return ok;
        }
        done += static_cast<std::uint64_t>(n);
      }
    }
    return finish(out.get(), path, entry);
  }

  // Owner, then mode (chown clears setuid), xattrs, times, through an open fd.
  Result<void> finish(int fd, const std::string& path, const fs::Entry& entry) {
    if (m_options.chown && ::fchown(fd, entry.uid, entry.gid) != 0) {
      return sys_error("changing owner of", shown(path));
    }
    if (::fchmod(fd, entry.mode & 07777) != 0) {
      return sys_error("changing mode of", shown(path));
    }
    if (m_options.xattrs) {
      for (const auto& [key, value] : entry.xattrs) {
        if (::fsetxattr(fd, key.c_str(), value.data(), value.size(), 0) != 0) {
          m_report.skipped.push_back(fmt::format("{}: xattr {}: {}", path, key, std::strerror(errno)));
        }
      }
    }
    const timespec times[2] = {{entry.mtime, 0}, {entry.mtime, 0}};
    if (::futimens(fd, times) != 0) {
      return sys_error("setting times of", shown(path));
    }
    return {};
  }

  Result<void> set_times_at(int dir, const std::string& name, const std::string& path,
                            const fs::Entry& entry) {
    const timespec times[2] = {{entry.mtime, 0}, {entry.mtime, 0}};
    if (::utimensat(dir, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
      return sys_error("setting times of", shown(path));
    }
    return {};
  }

  Result<void> link(const std::string& path, const fs::Entry& entry) {
    auto target_parent = open_parent(entry.link_target);
    if (!target_parent) {
      return std::unexpected(target_parent.error());
    }
    Fd target_dir(::dup(*target_parent));
    const std::string target_name(fs::base_name(entry.link_target));
    auto parent = open_parent(path);
    if (!parent) {
      return std::unexpected(parent.error());
    }
    const std::string name(fs::base_name(path));
    forget_cached_below(path);
    if (auto ok = remove_at(*parent, name.c_str(), shown(path)); !ok) {
      return ok;
    }
    if (::linkat(target_dir.get(), target_name.c_str(), *parent, name.c_str(), 0) != 0) {
      return sys_error("creating hard link", shown(path));
    }
    return {};
  }

  stdfs::path m_dest;
  const RootfsOptions& m_options;
  Fd m_root;
  Fd m_cached;
  std::string m_cached_path;
  RootfsReport m_report;
};

} // namespace

Result<fs::Tree> flatten_image(const stdfs::path& layout, const StoredImage& image,
                               const layer::ReadOptions& options) {
  fs::Tree tree;
  for (const auto& blob : image.manifest.layers) {
    if (!valid_digest(blob.digest)) {
      return fail("malformed layer digest {:?}", blob.digest);
    }
    auto layer_tree = layer::read_layer(layer::blob_path(blobs_dir(layout), blob.digest), options);
    if (!layer_tree) {
      return std::unexpected(layer_tree.error());
    }
    if (auto ok = fs::apply_layer(tree, *layer_tree); !ok) {
      return std::unexpected(ok.error().context(blob.digest));
    }
  }
  return tree;
}

Result<RootfsReport> export_rootfs(const fs::Tree& tree, const stdfs::path& dest,
                                   const RootfsOptions& options) {
  return Exporter(dest, options).run(tree);
}

Result<RootfsReport> export_image_rootfs(const stdfs::path& layout, std::string_view tag,
                                         const stdfs::path& dest, const RootfsOptions& options) {
  auto image = read_image(layout, tag);
  if (!image) {
    return std::unexpected(image.error());
  }
  std::error_code ec;
  const auto parent = dest.has_parent_path() ? dest.parent_path() : stdfs::path(".");
  stdfs::create_directories(parent, ec);
  std::string scratch = (parent / ".distill-rootfs-XXXXXX").string();
  if (::mkdtemp(scratch.data()) == nullptr) {
    return sys_error("creating a scratch directory in", parent.string());
  }
  layer::ReadOptions read_options;
  read_options.scratch_dir = scratch;
  auto tree = flatten_image(layout, *image, read_options);
  Result<RootfsReport> report = tree ? export_rootfs(*tree, dest, options)
                                     : Result<RootfsReport>(std::unexpected(tree.error()));
  stdfs::remove_all(scratch, ec);
  return report;
}

} // namespace distill::backend::oci
