#include "backend/oci/image_copy.hpp"

#include "backend/layer/blob_dir.hpp"
#include "backend/oci/layout.hpp"

#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace distill::backend::oci {

namespace stdfs = std::filesystem;
using support::fail;
using support::Result;

namespace {

Result<void> copy_blob(const stdfs::path& from, const stdfs::path& to, const Descriptor& d) {
  const auto source = layer::blob_path(blobs_dir(from), d.digest);
  const auto target = layer::blob_path(blobs_dir(to), d.digest);
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) == d.size) {
    return {};
  }
  if (::stat(source.c_str(), &st) != 0 || static_cast<std::uint64_t>(st.st_size) != d.size) {
    return fail("blob {} is missing from {} or has the wrong size", d.digest, from.string());
  }
  std::error_code ec;
  stdfs::create_directories(target.parent_path(), ec);
  // A hard link is atomic; link() refuses to replace, so a damaged target goes first.
  ::unlink(target.c_str());
  if (::link(source.c_str(), target.c_str()) == 0) {
    return {};
  }
  auto writer = layer::BlobWriter::create(blobs_dir(to));
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
  if (stored->digest != d.digest) {
    return fail("blob {} in {} does not match its digest", d.digest, from.string());
  }
  return {};
}

// Copies a manifest's blobs, then the manifest itself (so a reader never
// sees a manifest before its blobs).
Result<void> copy_manifest(const stdfs::path& from, const stdfs::path& to, const Descriptor& d) {
  auto bytes = read_blob(from, d);
  if (!bytes) {
    return std::unexpected(bytes.error());
  }
  auto manifest = parse_manifest(*bytes);
  if (!manifest) {
    return std::unexpected(manifest.error());
  }
  if (auto ok = copy_blob(from, to, manifest->config); !ok) {
    return ok;
  }
  for (const auto& blob : manifest->layers) {
    if (auto ok = copy_blob(from, to, blob); !ok) {
      return ok;
    }
  }
  return copy_blob(from, to, d);
}

} // namespace

Result<Descriptor> copy_image(const stdfs::path& from, std::string_view tag, const stdfs::path& to,
                              std::span<const std::string> tags) {
  auto found = resolve_tag(from, tag);
  if (!found) {
    return std::unexpected(found.error());
  }
  if (found->media_type != "application/vnd.oci.image.manifest.v1+json") {
    return fail("{:?} is a {}; only single-platform images can be copied", std::string(tag),
                found->media_type);
  }
  if (auto ok = init_layout(to); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = copy_manifest(from, to, *found); !ok) {
    return std::unexpected(ok.error());
  }
  Descriptor entry = *found;
  entry.annotations.clear();
  if (auto ok = add_to_index(to, entry, tags); !ok) {
    return std::unexpected(ok.error());
  }
  // Referrers (SBOMs) follow their image.
  auto index = read_index(from);
  if (!index) {
    return std::unexpected(index.error());
  }
  for (const auto& d : index->manifests) {
    if (d.artifact_type.empty() || !ref_name(d).empty()) {
      continue;
    }
    auto bytes = read_blob(from, d);
    auto manifest = bytes ? parse_manifest(*bytes) : Result<Manifest>(std::unexpected(bytes.error()));
    if (!manifest || !manifest->subject || manifest->subject->digest != found->digest) {
      continue;
    }
    if (auto ok = copy_manifest(from, to, d); !ok) {
      return std::unexpected(ok.error());
    }
    if (auto ok = add_to_index(to, d, std::vector<std::string>{}); !ok) {
      return std::unexpected(ok.error());
    }
  }
  return entry;
}

} // namespace distill::backend::oci
