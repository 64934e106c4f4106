#include "backend/oci/image_writer.hpp"

#include "backend/layer/blob_dir.hpp"
#include "backend/oci/layout.hpp"
#include "backend/oci/media_types.hpp"

#include <sys/stat.h>

namespace distill::backend::oci {

using support::fail;
using support::Result;

ImageLayer image_layer(const layer::LayerBlob& blob) {
  ImageLayer out;
  out.blob.media_type = blob.media_type;
  out.blob.digest = blob.digest;
  out.blob.size = blob.size;
  out.diff_id = blob.diff_id;
  return out;
}

Result<WrittenImage> write_image(const std::filesystem::path& layout, ImageConfig config,
                                 std::span<const ImageLayer> layers,
                                 const std::map<std::string, std::string>& annotations) {
  Manifest manifest;
  manifest.media_type = std::string(k_manifest_type);
  config.diff_ids.clear();
  for (const auto& layer : layers) {
    const auto path = layer::blob_path(blobs_dir(layout), layer.blob.digest);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || static_cast<std::uint64_t>(st.st_size) != layer.blob.size) {
      return fail("layer blob {} is missing from {} or has the wrong size", layer.blob.digest,
                  layout.string());
    }
    manifest.layers.push_back(layer.blob);
    config.diff_ids.push_back(layer.diff_id);
  }
  WrittenImage out;
  out.config_bytes = image_config_json(config);
  auto config_descriptor = write_json_blob(layout, k_config_type, out.config_bytes);
  if (!config_descriptor) {
    return std::unexpected(config_descriptor.error());
  }
  out.config = *config_descriptor;
  manifest.config = out.config;
  manifest.annotations = annotations;
  out.manifest_bytes = manifest_json(manifest);
  auto manifest_descriptor = write_json_blob(layout, k_manifest_type, out.manifest_bytes);
  if (!manifest_descriptor) {
    return std::unexpected(manifest_descriptor.error());
  }
  out.manifest = *manifest_descriptor;
  // The index entry carries the platform, as BuildKit's OCI exporter writes it.
  out.manifest.platform = Platform{config.architecture, config.os, config.variant};
  return out;
}

} // namespace distill::backend::oci
