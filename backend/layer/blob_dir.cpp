#include "backend/layer/blob_dir.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace distill::backend::layer {

using support::fail;
using support::Result;

std::filesystem::path blob_path(const std::filesystem::path& root, std::string_view digest) {
  const auto colon = digest.find(':');
  if (colon == std::string_view::npos) {
    return root / "sha256" / std::string(digest);
  }
  return root / std::string(digest.substr(0, colon)) / std::string(digest.substr(colon + 1));
}

BlobWriter::BlobWriter(std::filesystem::path root, std::filesystem::path temp, int fd)
    : m_root(std::move(root)), m_temp(std::move(temp)), m_fd(fd) {}

BlobWriter::BlobWriter(BlobWriter&& other) noexcept
    : m_root(std::move(other.m_root)), m_temp(std::move(other.m_temp)), m_fd(other.m_fd),
      m_hash(std::move(other.m_hash)), m_size(other.m_size) {
  other.m_fd = -1;
  other.m_temp.clear();
}

BlobWriter::~BlobWriter() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  if (!m_temp.empty()) {
    ::unlink(m_temp.c_str());
  }
}

Result<BlobWriter> BlobWriter::create(const std::filesystem::path& root) {
  const auto dir = root / "sha256";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return fail("creating {}: {}", dir.string(), ec.message());
  }
  std::string temp = (dir / ".partial-XXXXXX").string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return fail("creating a temporary blob in {}: {}", dir.string(), std::strerror(errno));
  }
  return BlobWriter(root, temp, fd);
}

Result<void> BlobWriter::write(std::string_view data) {
  m_hash.update(data);
  m_size += data.size();
  while (!data.empty()) {
    const auto n = ::write(m_fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail("writing {}: {}", m_temp.string(), std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<BlobInfo> BlobWriter::commit() {
  BlobInfo info;
  info.digest = "sha256:" + m_hash.hex_digest();
  info.size = m_size;
  info.path = blob_path(m_root, info.digest);
  // Blobs are shared read-only data: 0644 whatever the umask (mkstemp gives 0600).
  if (::fchmod(m_fd, 0644) != 0 || ::fsync(m_fd) != 0) {
    return fail("writing {}: {}", m_temp.string(), std::strerror(errno));
  }
  const int fd = m_fd;
  m_fd = -1;
  if (::close(fd) != 0) {
    return fail("writing {}: {}", m_temp.string(), std::strerror(errno));
  }
  // Renaming over an existing blob is atomic and also repairs a damaged one.
  if (::rename(m_temp.c_str(), info.path.c_str()) != 0) {
    return fail("renaming {} into place: {}", info.path.string(), std::strerror(errno));
  }
  m_temp.clear();
  return info;
}

Result<BlobInfo> write_blob(const std::filesystem::path& root, std::string_view data) {
  auto writer = BlobWriter::create(root);
  if (!writer) {
    return std::unexpected(writer.error());
  }
  if (auto ok = writer->write(data); !ok) {
    return std::unexpected(ok.error());
  }
  return writer->commit();
}

namespace {

// Copies `source` into `root` through a BlobWriter, so the bytes are hashed.
Result<void> copy_blob(const std::filesystem::path& source, const std::filesystem::path& root,
                       std::string_view digest) {
  auto writer = BlobWriter::create(root);
  if (!writer) {
    return std::unexpected(writer.error());
  }
  const int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail("reading {}: {}", source.string(), std::strerror(errno));
  }
  std::vector<char> buffer(1 << 20);
  Result<void> result;
  while (result) {
    const auto n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      result = fail("reading {}: {}", source.string(), std::strerror(errno));
      break;
    }
    if (n == 0) {
      break;
    }
    result = writer->write(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
  }
  ::close(fd);
  if (!result) {
    return result;
  }
  auto stored = writer->commit();
  if (!stored) {
    return std::unexpected(stored.error());
  }
  if (stored->digest != digest) {
    // Not the blob it claimed to be: keep nothing of it.
    ::unlink(stored->path.c_str());
    return fail("{} is not blob {} (its bytes hash to {})", source.string(), digest, stored->digest);
  }
  return {};
}

bool has_size(const std::filesystem::path& file, std::uint64_t size) {
  struct stat st {};
  return ::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) == size;
}

} // namespace

Result<void> place_blob(const std::filesystem::path& source, const std::filesystem::path& root,
                        std::string_view digest, std::uint64_t size) {
  const auto target = blob_path(root, digest);
  if (has_size(target, size)) {
    return {};
  }
  if (!has_size(source, size)) {
    return fail("blob {} is missing from {} or is not {} bytes long", digest, source.string(), size);
  }
  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) {
    return fail("creating {}: {}", target.parent_path().string(), ec.message());
  }
  struct stat st {};
  const bool damaged = ::lstat(target.c_str(), &st) == 0;
  // link() never replaces, so it is atomic and safe against a parallel
  // writer of the same blob; a damaged target is replaced by the copy's rename.
  if (!damaged && ::link(source.c_str(), target.c_str()) == 0) {
    return {};
  }
  if (!damaged && errno == EEXIST && has_size(target, size)) {
    return {}; // another process placed it meanwhile
  }
  return copy_blob(source, root, digest);
}

} // namespace distill::backend::layer
