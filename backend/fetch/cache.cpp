#include "backend/fetch/cache.hpp"

#include "support/atomic_file.hpp"
#include "support/sha256.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace distill::backend::fetch {

namespace fs = std::filesystem;

namespace {

support::Result<void> fsync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) {
    return support::fail("opening {}: {}", path.string(), std::strerror(errno));
  }
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  if (rc != 0 && saved != EINVAL) { // some filesystems cannot fsync a directory
    return support::fail("fsync {}: {}", path.string(), std::strerror(saved));
  }
  return {};
}

// Copies `from` to a temporary file next to `to`, fsyncs it and renames it
// into place: the path for a download that is not on the cache's filesystem.
support::Result<void> copy_into_place(const fs::path& from, const fs::path& to) {
  auto data = support::read_file(from);
  if (!data) {
    return std::unexpected(data.error());
  }
  return support::write_file_atomic(to, *data, 0644);
}

} // namespace

support::Result<fs::path> default_cache_dir(const char* xdg_cache_home, const char* home) {
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  if (xdg_cache_home != nullptr && xdg_cache_home[0] == '/') {
    return fs::path(xdg_cache_home) / "distill";
  }
  if (home != nullptr && home[0] != '\0') {
    return fs::path(home) / ".cache" / "distill";
  }
  return support::fail("cannot find a cache directory: neither XDG_CACHE_HOME nor HOME is set");
}

support::Result<fs::path> default_cache_dir_from_env() {
  return default_cache_dir(std::getenv("XDG_CACHE_HOME"), std::getenv("HOME"));
}

bool is_sha256_hex(std::string_view hex) {
  return hex.size() == 64 && hex.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

EntryLock::EntryLock(EntryLock&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

EntryLock& EntryLock::operator=(EntryLock&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

EntryLock::~EntryLock() {
  if (m_fd >= 0) {
    ::close(m_fd); // closing releases the flock
  }
}

support::Result<Cache> Cache::open(fs::path root, bool offline) {
  if (!offline) {
    for (const char* sub : {"blobs/sha256", "tmp", "locks", "urls"}) {
      std::error_code ec;
      fs::create_directories(root / sub, ec);
      if (ec) {
        return support::fail("creating the cache directory {}: {}", (root / sub).string(),
                             ec.message());
      }
    }
  }
  return Cache(std::move(root), offline);
}

fs::path Cache::blob_path(std::string_view sha256) const {
  return m_root / "blobs" / "sha256" / std::string(sha256);
}

bool Cache::contains(std::string_view sha256, std::optional<std::uint64_t> size) const {
  struct stat st {};
  if (!is_sha256_hex(sha256) || ::stat(blob_path(sha256).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return false;
  }
  return !size || static_cast<std::uint64_t>(st.st_size) == *size;
}

fs::path Cache::partial_path(std::string_view sha256) const {
  return m_root / "tmp" / (std::string(sha256) + ".partial");
}

support::Result<fs::path> Cache::unique_temp_path(std::string_view stem) const {
  std::string pattern = (m_root / "tmp" / (std::string(stem) + ".XXXXXX")).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) {
    return support::fail("creating a temporary file in {}: {}", (m_root / "tmp").string(),
                         std::strerror(errno));
  }
  ::close(fd);
  return fs::path(pattern);
}

support::Result<EntryLock> Cache::lock_entry(std::string_view sha256, bool wait) const {
  const fs::path path = m_root / "locks" / (std::string(sha256) + ".lock");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return support::fail("opening the cache lock {}: {}", path.string(), std::strerror(errno));
  }
  EntryLock lock(fd);
  while (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    if (errno == EINTR) {
      continue;
    }
    if (errno == EWOULDBLOCK && !wait) {
      return EntryLock();
    }
    return support::fail("locking {}: {}", path.string(), std::strerror(errno));
  }
  return lock;
}

support::Result<fs::path> Cache::insert_file(const fs::path& file, std::string_view sha256,
                                             std::optional<std::uint64_t> size,
                                             std::string_view what, const EntryLock* held) const {
  if (!is_sha256_hex(sha256)) {
    ::unlink(file.c_str());
    return support::fail("{}: \"{}\" is not a sha256 digest", what, sha256);
  }
  auto actual = digest_file(file);
  if (!actual) {
    return std::unexpected(actual.error().context(what));
  }
  if (actual->sha256 != sha256 || (size && actual->size != *size)) {
    ::unlink(file.c_str()); // nothing unverified stays, not even in tmp/
    return support::fail("checksum mismatch for {}: expected sha256 {}{}, got sha256 {} ({} bytes)",
                         what, sha256, size ? fmt::format(" ({} bytes)", *size) : std::string(),
                         actual->sha256, actual->size);
  }
  EntryLock own;
  if (held == nullptr || !held->held()) {
    auto locked = lock_entry(sha256, true);
    if (!locked) {
      return std::unexpected(locked.error());
    }
    own = std::move(*locked);
  }
  const fs::path blob = blob_path(sha256);
  if (contains(sha256, actual->size)) {
    ::unlink(file.c_str()); // another build stored it first
    return blob;
  }
  if (auto synced = fsync_path(file, O_RDONLY); !synced) {
    return std::unexpected(synced.error());
  }
  if (::rename(file.c_str(), blob.c_str()) != 0) {
    if (errno != EXDEV) {
      return support::fail("moving {} into the cache: {}", file.string(), std::strerror(errno));
    }
    if (auto copied = copy_into_place(file, blob); !copied) {
      return std::unexpected(copied.error());
    }
    ::unlink(file.c_str());
  }
  if (auto synced = fsync_path(blob.parent_path(), O_RDONLY | O_DIRECTORY); !synced) {
    return std::unexpected(synced.error());
  }
  return blob;
}

support::Result<std::string> Cache::insert_bytes(std::string_view data) const {
  std::string sha256 = support::sha256_hex(data);
  if (contains(sha256, data.size())) {
    return sha256;
  }
  auto locked = lock_entry(sha256, true);
  if (!locked) {
    return std::unexpected(locked.error());
  }
  if (!contains(sha256, data.size())) {
    if (auto written = support::write_file_atomic(blob_path(sha256), data, 0644); !written) {
      return std::unexpected(written.error());
    }
  }
  return sha256;
}

support::Result<std::string> Cache::read_blob(std::string_view sha256) const {
  if (!contains(sha256)) {
    return support::fail("sha256:{} is not in the cache {}", sha256, m_root.string());
  }
  return support::read_file(blob_path(sha256));
}

support::Result<FileDigest> digest_file(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return support::fail("reading {}: {}", file.string(), std::strerror(errno));
  }
  support::Sha256 hasher;
  std::vector<char> buffer(1 << 20);
  FileDigest digest;
  for (;;) {
    const auto n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int saved = errno;
      ::close(fd);
      return support::fail("reading {}: {}", file.string(), std::strerror(saved));
    }
    if (n == 0) {
      break;
    }
    hasher.update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    digest.size += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  digest.sha256 = hasher.hex_digest();
  return digest;
}

} // namespace distill::backend::fetch
