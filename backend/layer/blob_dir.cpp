#include "backend/layer/blob_dir.hpp"

#include <cerrno>
#include <cstring>

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

} // namespace distill::backend::layer
