#include "backend/sandbox/rootfs_copy.hpp"

#include "backend/sandbox/layer_dir.hpp"
#include "backend/sandbox/sys.hpp"

#include <algorithm>
#include <cerrno>
#include <map>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace distill::backend::sandbox {

using support::Result;

namespace {

std::vector<std::string> children(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string_view n = e->d_name;
      if (n != "." && n != "..") {
        names.emplace_back(n);
      }
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void copy_xattrs(const std::string& from, const std::string& to) {
  char names[65536];
  const auto size = ::llistxattr(from.c_str(), names, sizeof names);
  for (std::size_t pos = 0; size > 0 && pos < static_cast<std::size_t>(size);) {
    const std::string name = names + pos;
    pos += name.size() + 1;
    if (name.starts_with("user.overlay.") || name.starts_with("trusted.overlay.")) {
      continue;
    }
    char value[65536];
    const auto n = ::lgetxattr(from.c_str(), name.c_str(), value, sizeof value);
    if (n >= 0) {
      ::lsetxattr(to.c_str(), name.c_str(), value, static_cast<std::size_t>(n), 0);
    }
  }
}

void copy_metadata(const std::string& from, const std::string& to, const struct stat& st) {
  ::lchown(to.c_str(), st.st_uid, st.st_gid); // fails for unmapped ids: keep ours
  copy_xattrs(from, to);
  if (!S_ISLNK(st.st_mode)) {
    ::chmod(to.c_str(), st.st_mode & 07777);
  }
  const struct timespec times[2] = {st.st_atim, st.st_mtim};
  ::utimensat(AT_FDCWD, to.c_str(), times, AT_SYMLINK_NOFOLLOW);
}

Result<void> copy_file(const std::string& from, const std::string& to) {
  Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!in.valid() || !out.valid()) {
    return errno_fail("copying " + from + " to " + to);
  }
  for (;;) {
    const auto n = ::copy_file_range(in.get(), nullptr, out.get(), nullptr, 1 << 30, 0);
    if (n == 0) {
      return {};
    }
    if (n < 0 && errno != EINTR) {
      return errno_fail("copying " + from + " to " + to);
    }
  }
}

struct Copier {
  std::string layer;
  std::string root;
  std::map<ino_t, std::string> links; // hard links inside the layer

  Result<void> walk(const std::string& rel) {
    for (const auto& name : children(layer + rel)) {
      const std::string child = rel + "/" + name;
      const std::string src = layer + child;
      const std::string dst = root + child;
      struct stat st {};
      if (::lstat(src.c_str(), &st) != 0) {
        return errno_fail("stat " + src);
      }
      struct stat dst_st {};
      const bool exists = ::lstat(dst.c_str(), &dst_st) == 0;
      if (is_whiteout(st)) {
        if (auto removed = remove_tree(dst); !removed) {
          return removed;
        }
        continue;
      }
      if (S_ISDIR(st.st_mode)) {
        char value[4];
        const bool opaque = ::lgetxattr(src.c_str(), k_opaque_xattr, value, sizeof value) == 1 &&
                            value[0] == 'y';
        if (exists && (!S_ISDIR(dst_st.st_mode) || opaque)) {
          if (auto removed = remove_tree(dst); !removed) {
            return removed;
          }
        }
        if (::mkdir(dst.c_str(), 0700) != 0 && errno != EEXIST) {
          return errno_fail("mkdir " + dst);
        }
        ::chmod(dst.c_str(), 0700);
        if (auto below = walk(child); !below) {
          return below;
        }
        copy_metadata(src, dst, st);
        continue;
      }
      if (exists) {
        if (auto removed = remove_tree(dst); !removed) {
          return removed;
        }
      }
      if (auto made = make(src, dst, st); !made) {
        return made;
      }
    }
    return {};
  }

  Result<void> make(const std::string& src, const std::string& dst, const struct stat& st) {
    if (S_ISREG(st.st_mode)) {
      if (st.st_nlink > 1) {
        if (const auto it = links.find(st.st_ino); it != links.end()) {
          return ::link(it->second.c_str(), dst.c_str()) == 0 ? Result<void>{}
                                                              : errno_fail("link " + dst);
        }
        links[st.st_ino] = dst;
      }
      if (auto copied = copy_file(src, dst); !copied) {
        return copied;
      }
    } else if (S_ISLNK(st.st_mode)) {
      std::string target(static_cast<std::size_t>(st.st_size) + 256, '\0');
      const auto n = ::readlink(src.c_str(), target.data(), target.size());
      target.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
      if (::symlink(target.c_str(), dst.c_str()) != 0) {
        return errno_fail("symlink " + dst);
      }
    } else if (S_ISFIFO(st.st_mode)) {
      if (::mkfifo(dst.c_str(), 0600) != 0) {
        return errno_fail("mkfifo " + dst);
      }
    } else if (::mknod(dst.c_str(), st.st_mode, st.st_rdev) != 0) {
      return {}; // device nodes cannot be made in a user namespace; /dev is bound later
    }
    copy_metadata(src, dst, st);
    return {};
  }
};

} // namespace

Result<void> apply_layer_dir(const std::filesystem::path& layer, const std::filesystem::path& root) {
  Copier copier{layer.string(), root.string(), {}};
  return copier.walk("");
}

} // namespace distill::backend::sandbox
