#include "backend/oci/image_copy.hpp"

#include "backend/layer/blob_dir.hpp"
#include "backend/oci/layout.hpp"

#include <vector>

namespace distill::backend::oci {

namespace stdfs = std::filesystem;
using support::fail;
using support::Result;

namespace {

Result<void> copy_blob(const stdfs::path& from, const stdfs::path& to, const Descriptor& d) {
  return layer::place_blob(layer::blob_path(blobs_dir(from), d.digest), blobs_dir(to), d.digest, d.size);
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
