#include "backend/sandbox/sys.hpp"

#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    reset(other.release());
  }
  return *this;
}

void Fd::reset(int fd) {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  m_fd = fd;
}

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return errno_fail("pipe");
  }
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

std::unexpected<support::Error> errno_fail(std::string_view what) {
  return fail("{}: {}", what, std::strerror(errno));
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

Result<std::string> read_all(int fd) {
  std::string out;
  char buffer[65536];
  for (;;) {
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno_fail("read");
    }
    if (n == 0) {
      return out;
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

Result<void> make_dirs(const std::filesystem::path& path, unsigned mode) {
  std::string current;
  const std::string text = path.string();
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto next = text.find('/', pos);
    const auto end = next == std::string::npos ? text.size() : next;
    current = text.substr(0, end);
    if (!current.empty() && ::mkdir(current.c_str(), mode) != 0 && errno != EEXIST) {
      return errno_fail("mkdir " + current);
    }
    if (next == std::string::npos) {
      break;
    }
    pos = next + 1;
  }
  struct stat st {};
  if (::stat(text.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return fail("mkdir {}: not a directory", text);
  }
  return {};
}

namespace {

Result<void> remove_at(int parent_fd, const char* name, const std::string& shown) {
  struct stat st {};
  if (::fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? Result<void>{} : errno_fail("stat " + shown);
  }
  if (!S_ISDIR(st.st_mode)) {
    if (::unlinkat(parent_fd, name, 0) != 0 && errno != ENOENT) {
      return errno_fail("unlink " + shown);
    }
    return {};
  }
  if ((st.st_mode & 0700) != 0700) {
    ::fchmodat(parent_fd, name, (st.st_mode & 07777) | 0700, 0);
  }
  const int fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    return errno_fail("open " + shown);
  }
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return errno_fail("opendir " + shown);
  }
  Result<void> result;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view child = entry->d_name;
    if (child == "." || child == "..") {
      continue;
    }
    result = remove_at(fd, entry->d_name, shown + "/" + std::string(child));
    if (!result) {
      break;
    }
  }
  ::closedir(dir);
  if (result && ::unlinkat(parent_fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) {
    return errno_fail("rmdir " + shown);
  }
  return result;
}

} // namespace

Result<void> remove_tree(const std::filesystem::path& path) {
  const auto parent = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  Fd parent_fd(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!parent_fd.valid()) {
    return errno == ENOENT ? Result<void>{} : errno_fail("open " + parent.string());
  }
  return remove_at(parent_fd.get(), path.filename().c_str(), path.string());
}

Result<std::filesystem::path> make_temp_dir(const std::filesystem::path& parent,
                                            std::string_view prefix) {
  if (auto made = make_dirs(parent, 0755); !made) {
    return std::unexpected(made.error());
  }
  std::string templ = (parent / (std::string(prefix) + "XXXXXX")).string();
  if (::mkdtemp(templ.data()) == nullptr) {
    return errno_fail("mkdtemp " + templ);
  }
  return std::filesystem::path(templ);
}

} // namespace distill::backend::sandbox
