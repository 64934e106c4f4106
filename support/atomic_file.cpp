#include "support/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace distill::support {

namespace fs = std::filesystem;

Result<void> write_file_atomic(const fs::path& path, std::string_view data, unsigned mode) {
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      return fail("creating {}: {}", path.parent_path().string(), ec.message());
    }
  }
  std::string temp = path.string() + ".tmp.XXXXXX";
  const int fd = mkstemp(temp.data());
  if (fd < 0) {
    return fail("creating a temporary file for {}: {}", path.string(), std::strerror(errno));
  }
  auto cleanup = [&](std::string what) -> Result<void> {
    const int saved = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return fail("writing {}: {}: {}", path.string(), what, std::strerror(saved));
  };
  std::size_t written = 0;
  while (written < data.size()) {
    const auto n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return cleanup("write");
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, mode) != 0) {
    return cleanup("chmod");
  }
  if (::fsync(fd) != 0) {
    return cleanup("fsync");
  }
  if (::close(fd) != 0) {
    ::unlink(temp.c_str());
    return fail("writing {}: close: {}", path.string(), std::strerror(errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    return fail("renaming {} into place: {}", path.string(), std::strerror(saved));
  }
  return {};
}

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail("cannot read {}: {}", path.string(), std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return fail("reading {}: I/O error", path.string());
  }
  return buffer.str();
}

} // namespace distill::support
