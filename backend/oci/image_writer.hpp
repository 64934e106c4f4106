#pragma once

// Puts an image together in a layout: config blob, manifest blob, index entry.

#include "backend/layer/layer_writer.hpp"
#include "backend/oci/descriptor.hpp"
#include "backend/oci/image_config.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace distill::backend::oci {

// One layer of an image: its blob's descriptor and its uncompressed digest.
struct ImageLayer {
  Descriptor blob;     // media type, digest, size of the stored blob
  std::string diff_id; // "sha256:<hex>" of the uncompressed tar
};

// A written layer as an image layer.
ImageLayer image_layer(const layer::LayerBlob& blob);

struct WrittenImage {
  Descriptor manifest; // what index.json and tags point at
  Descriptor config;
  std::string manifest_bytes;
  std::string config_bytes;
};

// Writes the config (with rootfs.diff_ids set from `layers`) and the manifest
// (with `annotations`, e.g. org.opencontainers.image.base.name/digest) as
// blobs of the layout; every layer blob must already be there. Does not tag;
// see add_to_index. Fails on a missing layer blob or an I/O error.
support::Result<WrittenImage> write_image(const std::filesystem::path& layout, ImageConfig config,
                                          std::span<const ImageLayer> layers,
                                          const std::map<std::string, std::string>& annotations = {});

} // namespace distill::backend::oci
