#include "backend/sandbox/layer_dir.hpp"

#include "backend/sandbox/sys.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

namespace {

bool valid_digest(const std::string& digest) {
  const auto colon = digest.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= digest.size()) {
    return false;
  }
  return std::all_of(digest.begin(), digest.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' || c == '+' ||
           c == '.' || c == '_' || c == '-';
  });
}

bool overlay_xattr(const std::string& name) {
  return name.starts_with("user.overlay.") || name.starts_with("trusted.overlay.");
}

Result<void> write_content(int fd, const fs::Content& content, const std::string& shown) {
  if (content.bytes) {
    if (!write_all(fd, *content.bytes)) {
      return errno_fail("write " + shown);
    }
    return {};
  }
  if (content.size == 0) {
    return {};
  }
  Fd in(::open(content.disk_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) {
    return errno_fail("open " + content.disk_path.string());
  }
  auto offset = static_cast<off_t>(content.disk_offset);
  std::uint64_t left = content.size;
  while (left > 0) {
    const auto n = ::copy_file_range(in.get(), &offset, fd, nullptr, left, 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP || errno == ENOSYS)) {
      char buffer[65536];
      const auto got = ::pread(in.get(), buffer, std::min<std::uint64_t>(left, sizeof buffer), offset);
      if (got <= 0 || !write_all(fd, std::string_view(buffer, static_cast<std::size_t>(got)))) {
        return fail("copying the content of {} from {}: short read", shown, content.disk_path.string());
      }
      offset += got;
      left -= static_cast<std::uint64_t>(got);
      continue;
    }
    if (n <= 0) {
      return fail("copying the content of {} from {}: {}", shown, content.disk_path.string(),
                  n == 0 ? "file is short" : std::strerror(errno));
    }
    left -= static_cast<std::uint64_t>(n);
  }
  return {};
}

// Sets owner (ignoring ids the namespace cannot map), xattrs and mode of `path`.
void set_metadata(const std::string& path, const fs::Entry& e) {
  if (::lchown(path.c_str(), e.uid, e.gid) != 0) {
    // EINVAL/EPERM: the id is not mapped (single mapping); keep ours.
  }
  for (const auto& [name, value] : e.xattrs) {
    if (!overlay_xattr(name)) {
      ::lsetxattr(path.c_str(), name.c_str(), value.data(), value.size(), 0);
    }
  }
  if (e.type != fs::EntryType::symlink) {
    ::chmod(path.c_str(), e.mode & 07777);
  }
}

void set_mtime(const std::string& path, std::int64_t mtime) {
  const struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
  ::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW);
}

Result<void> write_entry(const std::string& path, const fs::Entry& e, const std::string& dir) {
  switch (e.type) {
  case fs::EntryType::directory:
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      return errno_fail("mkdir " + path);
    }
    if (e.opaque && ::lsetxattr(path.c_str(), k_opaque_xattr, "y", 1, 0) != 0) {
      return errno_fail("marking " + path + " opaque (setxattr " + k_opaque_xattr + ")");
    }
    return {};
  case fs::EntryType::regular: {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd.valid()) {
      return errno_fail("create " + path);
    }
    return write_content(fd.get(), e.content, path);
  }
  case fs::EntryType::symlink:
    if (::symlink(e.link_target.c_str(), path.c_str()) != 0) {
      return errno_fail("symlink " + path);
    }
    return {};
  case fs::EntryType::hardlink: {
    const std::string target = dir + e.link_target;
    if (::link(target.c_str(), path.c_str()) != 0) {
      return errno_fail("link " + path + " to " + target);
    }
    return {};
  }
  case fs::EntryType::whiteout:
    if (::mknod(path.c_str(), S_IFCHR | 0000, makedev(0, 0)) != 0) {
      return errno_fail("making the whiteout " + path);
    }
    return {};
  case fs::EntryType::fifo:
    if (::mkfifo(path.c_str(), 0600) != 0) {
      return errno_fail("mkfifo " + path);
    }
    return {};
  case fs::EntryType::char_device:
  case fs::EntryType::block_device: {
    const auto kind = e.type == fs::EntryType::char_device ? S_IFCHR : S_IFBLK;
    if (::mknod(path.c_str(), kind | 0600, makedev(e.dev_major, e.dev_minor)) != 0 &&
        errno != EPERM) {
      return errno_fail("mknod " + path);
    }
    return {};
  }
  }
  return {};
}

} // namespace

bool is_whiteout(const struct stat& st) {
  return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

Result<std::filesystem::path> layer_dir(const std::filesystem::path& cache_dir,
                                        const std::string& digest) {
  if (!valid_digest(digest)) {
    return fail("invalid layer digest \"{}\"", digest);
  }
  return cache_dir / "layers" / digest;
}

Result<void> write_tree(const fs::Tree& tree, const std::filesystem::path& dir) {
  const std::string base = dir.string();
  std::vector<std::pair<std::string, const fs::Entry*>> dirs;
  for (const auto& [path, entry] : tree.entries()) {
    const std::string on_disk = base + path;
    if (auto written = write_entry(on_disk, entry, base); !written) {
      return written;
    }
    struct stat st {};
    if (::lstat(on_disk.c_str(), &st) != 0) {
      continue; // a device node we were not allowed to make
    }
    if (entry.type == fs::EntryType::directory) {
      dirs.emplace_back(on_disk, &entry);
    } else if (entry.type != fs::EntryType::whiteout && entry.type != fs::EntryType::hardlink) {
      set_metadata(on_disk, entry);
      set_mtime(on_disk, entry.mtime);
    }
  }
  // Directories last and deepest first, so their mtimes survive their children.
  for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) {
    set_metadata(it->first, *it->second);
    set_mtime(it->first, it->second->mtime);
  }
  return {};
}

Result<std::filesystem::path> ensure_layer_dir(const std::filesystem::path& cache_dir,
                                               const std::string& digest, const fs::Tree& tree) {
  auto final_dir = layer_dir(cache_dir, digest);
  if (!final_dir) {
    return final_dir;
  }
  struct stat st {};
  if (::stat(final_dir->c_str(), &st) == 0) {
    return final_dir;
  }
  auto temp = make_temp_dir(cache_dir / "layers", ".tmp-");
  if (!temp) {
    return temp;
  }
  if (auto written = write_tree(tree, *temp); !written) {
    (void)remove_tree(*temp);
    return std::unexpected(written.error().context("unpacking layer " + digest));
  }
  ::chmod(temp->c_str(), 0755);
  if (::rename(temp->c_str(), final_dir->c_str()) != 0) {
    const int saved = errno;
    (void)remove_tree(*temp);
    if (saved != EEXIST && saved != ENOTEMPTY) {
      return fail("renaming the unpacked layer {} into place: {}", digest, std::strerror(saved));
    }
  }
  return final_dir;
}

std::optional<std::filesystem::path> lower_lookup(const std::vector<std::filesystem::path>& top_first,
                                                  const std::string& rel) {
  for (const auto& layer : top_first) {
    const std::string base = layer.string();
    const auto full = base + rel;
    struct stat st {};
    if (::lstat(full.c_str(), &st) == 0) {
      if (is_whiteout(st)) {
        return std::nullopt;
      }
      return std::filesystem::path(full);
    }
    // Absent here: a whiteout, a non-directory or an opaque directory on the
    // way down hides every layer below.
    std::size_t pos = 0;
    while ((pos = rel.find('/', pos + 1)) != std::string::npos) {
      const auto ancestor = base + rel.substr(0, pos);
      if (::lstat(ancestor.c_str(), &st) != 0) {
        break;
      }
      if (!S_ISDIR(st.st_mode)) {
        return std::nullopt;
      }
      char value[4];
      const auto n = ::lgetxattr(ancestor.c_str(), k_opaque_xattr, value, sizeof value);
      if (n == 1 && value[0] == 'y') {
        return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

} // namespace distill::backend::sandbox
