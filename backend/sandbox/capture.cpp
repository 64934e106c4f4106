#include "backend/sandbox/capture.hpp"

#include "backend/sandbox/capture_record.hpp"
#include "backend/sandbox/layer_dir.hpp"
#include "backend/sandbox/sys.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

namespace {

Result<std::vector<std::string>> list_dir(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) {
    return errno_fail("opendir " + path);
  }
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") {
      names.emplace_back(name);
    }
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::map<std::string, std::string> read_xattrs(const std::string& path) {
  std::map<std::string, std::string> out;
  const auto size = ::llistxattr(path.c_str(), nullptr, 0);
  if (size <= 0) {
    return out;
  }
  std::string names(static_cast<std::size_t>(size), '\0');
  const auto got = ::llistxattr(path.c_str(), names.data(), names.size());
  for (std::size_t pos = 0; got > 0 && pos < static_cast<std::size_t>(got);) {
    const std::string name = names.c_str() + pos;
    pos += name.size() + 1;
    if (name.starts_with("user.overlay.") || name.starts_with("trusted.overlay.")) {
      continue;
    }
    const auto n = ::lgetxattr(path.c_str(), name.c_str(), nullptr, 0);
    if (n < 0) {
      continue;
    }
    std::string value(static_cast<std::size_t>(n), '\0');
    if (::lgetxattr(path.c_str(), name.c_str(), value.data(), value.size()) == n) {
      out[name] = value;
    }
  }
  return out;
}

bool is_opaque(const std::string& path) {
  char value[4];
  return ::lgetxattr(path.c_str(), k_opaque_xattr, value, sizeof value) == 1 && value[0] == 'y';
}

// Collects records and moves file contents into <out>/blobs.
class Writer {
public:
  explicit Writer(std::filesystem::path out) : m_out(std::move(out)) {}

  Result<void> start() { return make_dirs(m_out / "blobs", 0755); }

  Result<void> add(const std::string& host, const std::string& rel, const struct stat& st,
                   bool opaque = false) {
    CaptureRecord r;
    r.path = rel;
    r.mode = st.st_mode & 07777;
    r.uid = st.st_uid;
    r.gid = st.st_gid;
    r.mtime = st.st_mtim.tv_sec;
    r.xattrs = read_xattrs(host);
    if (S_ISDIR(st.st_mode)) {
      r.type = "directory";
      r.opaque = opaque;
    } else if (S_ISLNK(st.st_mode)) {
      r.type = "symlink";
      std::string target(static_cast<std::size_t>(st.st_size) + 256, '\0');
      const auto n = ::readlink(host.c_str(), target.data(), target.size());
      if (n < 0) {
        return errno_fail("readlink " + host);
      }
      target.resize(static_cast<std::size_t>(n));
      r.link = target;
    } else if (S_ISREG(st.st_mode)) {
      const auto key = std::make_pair(static_cast<std::uint64_t>(st.st_dev),
                                      static_cast<std::uint64_t>(st.st_ino));
      if (st.st_nlink > 1) {
        if (const auto it = m_links.find(key); it != m_links.end()) {
          r.type = "hardlink";
          r.link = it->second;
          m_records.push_back(std::move(r));
          return {};
        }
        m_links[key] = rel;
      }
      r.type = "regular";
      r.size = static_cast<std::uint64_t>(st.st_size);
      r.blob = "blobs/" + std::to_string(m_next_blob++);
      if (auto moved = take_blob(host, m_out / r.blob); !moved) {
        return moved;
      }
    } else if (S_ISFIFO(st.st_mode)) {
      r.type = "fifo";
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      r.type = S_ISCHR(st.st_mode) ? "char_device" : "block_device";
      r.dev_major = major(st.st_rdev);
      r.dev_minor = minor(st.st_rdev);
    } else {
      return {}; // sockets do not go into layers
    }
    m_records.push_back(std::move(r));
    return {};
  }

  void add_whiteout(const std::string& rel) {
    CaptureRecord r;
    r.path = rel;
    r.type = "whiteout";
    m_records.push_back(std::move(r));
  }

  std::size_t mark() const { return m_records.size(); }
  // Inserts the record last added before the ones added since `at`
  // (a directory goes before its children).
  void move_last_to(std::size_t at) {
    std::rotate(m_records.begin() + static_cast<std::ptrdiff_t>(at), m_records.end() - 1,
                m_records.end());
  }

  Result<void> finish() { return write_manifest(m_out, m_records); }

private:
  // The step's files are discarded afterwards, so move rather than copy; the
  // blob then belongs to the namespace's root, i.e. the calling user.
  static Result<void> take_blob(const std::string& from, const std::filesystem::path& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      if (errno != EXDEV) {
        return errno_fail("moving " + from + " into the capture");
      }
      Fd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
      Fd out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
      if (!in.valid() || !out.valid()) {
        return errno_fail("copying " + from + " into the capture");
      }
      for (;;) {
        const auto n = ::copy_file_range(in.get(), nullptr, out.get(), nullptr, 1 << 30, 0);
        if (n == 0) {
          break;
        }
        if (n < 0 && errno != EINTR) {
          return errno_fail("copying " + from + " into the capture");
        }
      }
    }
    if (::lchown(to.c_str(), 0, 0) != 0 || ::chmod(to.c_str(), 0644) != 0) {
      return errno_fail("chown " + to.string());
    }
    return {};
  }

  std::filesystem::path m_out;
  std::vector<CaptureRecord> m_records;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::string> m_links;
  std::size_t m_next_blob = 0;
};

bool same_owner_and_mode(const struct stat& a, const struct stat& b) {
  return a.st_mode == b.st_mode && a.st_uid == b.st_uid && a.st_gid == b.st_gid;
}

struct UpperWalk {
  std::string upper;
  const std::vector<std::filesystem::path>& lowers;
  const CaptureRules& rules;
  Writer& writer;

  Result<void> walk(const std::string& rel_dir) {
    auto names = list_dir(upper + rel_dir);
    if (!names) {
      return std::unexpected(names.error());
    }
    for (const auto& name : *names) {
      const std::string rel = rel_dir + "/" + name;
      const std::string host = upper + rel;
      if (rules.excluded.contains(rel)) {
        continue;
      }
      struct stat st {};
      if (::lstat(host.c_str(), &st) != 0) {
        return errno_fail("stat " + host);
      }
      if (is_whiteout(st)) {
        writer.add_whiteout(rel);
        continue;
      }
      if (!S_ISDIR(st.st_mode)) {
        if (rules.stubs.contains(rel)) {
          continue;
        }
        if (auto added = writer.add(host, rel, st); !added) {
          return added;
        }
        continue;
      }
      const auto mark = writer.mark();
      if (auto below = walk(rel); !below) {
        return below;
      }
      const bool opaque = is_opaque(host);
      bool changed = opaque;
      if (!changed) {
        const auto lower = lower_lookup(lowers, rel);
        struct stat lst {};
        changed = !lower || ::lstat(lower->c_str(), &lst) != 0 || !same_owner_and_mode(st, lst);
      }
      if (rules.stubs.contains(rel) && !opaque) {
        changed = false;
      }
      if (changed || writer.mark() != mark) {
        if (auto added = writer.add(host, rel, st, opaque); !added) {
          return added;
        }
        writer.move_last_to(mark);
      }
    }
    return {};
  }
};

struct DiffWalk {
  std::string root;
  const Snapshot& before;
  const CaptureRules& rules;
  Writer& writer;

  Result<void> walk(const std::string& rel_dir) {
    auto names = list_dir(root + rel_dir);
    if (!names) {
      return std::unexpected(names.error());
    }
    for (const auto& name : *names) {
      const std::string rel = rel_dir + "/" + name;
      const std::string host = root + rel;
      if (rules.excluded.contains(rel)) {
        continue;
      }
      struct stat st {};
      if (::lstat(host.c_str(), &st) != 0) {
        return errno_fail("stat " + host);
      }
      const auto it = before.find(rel);
      const SnapshotEntry* old = it == before.end() ? nullptr : &it->second;
      const bool same_inode = old != nullptr && old->ino == st.st_ino &&
                              (old->mode & S_IFMT) == (st.st_mode & S_IFMT);
      if (!S_ISDIR(st.st_mode)) {
        const auto ctime = st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
        if ((same_inode && old->ctime_ns == ctime) || rules.stubs.contains(rel)) {
          continue;
        }
        if (auto added = writer.add(host, rel, st); !added) {
          return added;
        }
        continue;
      }
      const auto mark = writer.mark();
      if (auto below = walk(rel); !below) {
        return below;
      }
      // A directory that is a new inode where one was replaces the old contents.
      const bool opaque = old != nullptr && !same_inode && S_ISDIR(old->mode);
      bool changed = !same_inode || old->mode != st.st_mode || old->uid != st.st_uid ||
                     old->gid != st.st_gid;
      if (rules.stubs.contains(rel)) {
        changed = false;
      }
      if (changed || writer.mark() != mark) {
        if (auto added = writer.add(host, rel, st, opaque); !added) {
          return added;
        }
        writer.move_last_to(mark);
      }
    }
    return {};
  }
};

Result<void> snapshot_walk(const std::string& root, const std::string& rel_dir,
                           const CaptureRules& rules, Snapshot& out) {
  auto names = list_dir(root + rel_dir);
  if (!names) {
    return std::unexpected(names.error());
  }
  for (const auto& name : *names) {
    const std::string rel = rel_dir + "/" + name;
    if (rules.excluded.contains(rel)) {
      continue;
    }
    struct stat st {};
    if (::lstat((root + rel).c_str(), &st) != 0) {
      return errno_fail("stat " + root + rel);
    }
    out[rel] = SnapshotEntry{st.st_ino, st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec,
                             st.st_mode, st.st_uid, st.st_gid};
    if (S_ISDIR(st.st_mode)) {
      if (auto below = snapshot_walk(root, rel, rules, out); !below) {
        return below;
      }
    }
  }
  return {};
}

std::string parent_of(const std::string& rel) {
  const auto slash = rel.rfind('/');
  return slash == 0 || slash == std::string::npos ? std::string() : rel.substr(0, slash);
}

} // namespace

Result<void> capture_upper(const std::filesystem::path& upper,
                           const std::vector<std::filesystem::path>& lowers_top_first,
                           const CaptureRules& rules, const std::filesystem::path& out) {
  Writer writer(out);
  if (auto started = writer.start(); !started) {
    return started;
  }
  UpperWalk walk{upper.string(), lowers_top_first, rules, writer};
  if (auto walked = walk.walk(""); !walked) {
    return walked;
  }
  return writer.finish();
}

Result<Snapshot> take_snapshot(const std::filesystem::path& root, const CaptureRules& rules) {
  Snapshot out;
  if (auto walked = snapshot_walk(root.string(), "", rules, out); !walked) {
    return std::unexpected(walked.error());
  }
  return out;
}

Result<void> capture_diff(const std::filesystem::path& root, const Snapshot& before,
                          const CaptureRules& rules, const std::filesystem::path& out) {
  Writer writer(out);
  if (auto started = writer.start(); !started) {
    return started;
  }
  // Deletions first: capturing moves file contents away.
  const std::string base = root.string();
  for (const auto& [rel, old] : before) {
    struct stat st {};
    if (::lstat((base + rel).c_str(), &st) == 0) {
      continue;
    }
    const auto parent = parent_of(rel);
    if (parent.empty()) {
      writer.add_whiteout(rel);
      continue;
    }
    const auto it = before.find(parent);
    if (it != before.end() && ::lstat((base + parent).c_str(), &st) == 0 &&
        st.st_ino == it->second.ino && S_ISDIR(st.st_mode)) {
      writer.add_whiteout(rel);
    }
  }
  DiffWalk walk{base, before, rules, writer};
  if (auto walked = walk.walk(""); !walked) {
    return walked;
  }
  return writer.finish();
}

} // namespace distill::backend::sandbox
