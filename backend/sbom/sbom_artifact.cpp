#include "backend/sbom/sbom_artifact.hpp"

#include "backend/oci/json.hpp"
#include "backend/oci/layout.hpp"
#include "backend/oci/media_types.hpp"
#include "support/atomic_file.hpp"

#include <vector>

namespace distill::backend::sbom {

using support::Result;

Result<oci::Descriptor> attach_sbom(const std::filesystem::path& layout,
                                    const oci::Descriptor& image_manifest,
                                    std::string_view spdx_json, std::int64_t created) {
  auto empty = oci::write_json_blob(layout, oci::k_empty_type, "{}");
  if (!empty) {
    return std::unexpected(empty.error());
  }
  auto document = oci::write_json_blob(layout, oci::k_spdx_type, spdx_json);
  if (!document) {
    return std::unexpected(document.error());
  }
  oci::Manifest manifest;
  manifest.media_type = std::string(oci::k_manifest_type);
  manifest.artifact_type = std::string(oci::k_spdx_type);
  manifest.config = *empty;
  manifest.layers.push_back(*document);
  oci::Descriptor subject;
  subject.media_type = image_manifest.media_type;
  subject.digest = image_manifest.digest;
  subject.size = image_manifest.size;
  manifest.subject = subject;
  manifest.annotations[std::string(oci::k_created)] = oci::rfc3339(created);
  auto stored = oci::write_json_blob(layout, oci::k_manifest_type, oci::manifest_json(manifest));
  if (!stored) {
    return std::unexpected(stored.error());
  }
  stored->artifact_type = std::string(oci::k_spdx_type);
  if (auto ok = oci::add_to_index(layout, *stored, std::vector<std::string>{}); !ok) {
    return std::unexpected(ok.error());
  }
  return *stored;
}

Result<std::vector<std::string>> find_sboms(const std::filesystem::path& layout,
                                            const oci::Descriptor& image_manifest) {
  auto index = oci::read_index(layout);
  if (!index) {
    return std::unexpected(index.error());
  }
  std::vector<std::string> out;
  for (const auto& d : index->manifests) {
    if (d.artifact_type != oci::k_spdx_type) {
      continue;
    }
    auto bytes = oci::read_blob(layout, d);
    if (!bytes) {
      return std::unexpected(bytes.error());
    }
    auto manifest = oci::parse_manifest(*bytes);
    if (!manifest) {
      return std::unexpected(manifest.error());
    }
    if (!manifest->subject || manifest->subject->digest != image_manifest.digest) {
      continue;
    }
    for (const auto& layer : manifest->layers) {
      if (layer.media_type == oci::k_spdx_type) {
        auto document = oci::read_blob(layout, layer);
        if (!document) {
          return std::unexpected(document.error());
        }
        out.push_back(std::move(*document));
      }
    }
  }
  return out;
}

Result<void> write_sbom_file(const std::filesystem::path& file, std::string_view spdx_json) {
  return support::write_file_atomic(file, spdx_json);
}

} // namespace distill::backend::sbom
