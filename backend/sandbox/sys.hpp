#pragma once

// Small wrappers over POSIX calls the sandbox makes everywhere: an owned file
// descriptor, whole-buffer reads and writes, directory trees. Failures come
// back as support::Error with the errno text.

#include "support/error.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

namespace distill::backend::sandbox {

// A move-only file descriptor, closed on destruction.
class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return m_fd; }
  bool valid() const { return m_fd >= 0; }
  int release() { return std::exchange(m_fd, -1); }
  void reset(int fd = -1);

private:
  int m_fd = -1;
};

// Both ends of a pipe (O_CLOEXEC); fails when pipe2 fails.
struct Pipe {
  Fd read;
  Fd write;
};
support::Result<Pipe> make_pipe();

// "what: strerror(errno)" as an Error, for the errno of the failed call.
std::unexpected<support::Error> errno_fail(std::string_view what);

// Writes all of `data`, retrying on EINTR and short writes; false on error.
bool write_all(int fd, std::string_view data);
// Reads until EOF; fails on a read error.
support::Result<std::string> read_all(int fd);

// mkdir -p with `mode` for the directories it creates; fails like mkdir.
support::Result<void> make_dirs(const std::filesystem::path& path, unsigned mode = 0755);
// rm -rf that never follows symlinks and makes unreadable directories
// readable first (a step may leave 0000 directories); fails on the first error.
support::Result<void> remove_tree(const std::filesystem::path& path);
// A fresh directory "<parent>/<prefix>XXXXXX"; fails like mkdtemp.
support::Result<std::filesystem::path> make_temp_dir(const std::filesystem::path& parent,
                                                     std::string_view prefix);

} // namespace distill::backend::sandbox
