#pragma once

// Writes trees as OCI layer blobs in one streaming pass: tar -> sha256
// (diff_id) -> compressor -> sha256 (digest) -> blob file, with bounded memory.

#include "backend/fs/tree.hpp"
#include "backend/layer/compression.hpp"
#include "backend/layer/tar_writer.hpp"
#include "support/error.hpp"

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace distill::backend::layer {

struct LayerOptions {
  TarOptions tar;
  Compression compression = Compression::gzip;
  int level = 0; // 0 = the pinned default of the compression
};

// A written layer, ready for a manifest and a config's rootfs.
struct LayerBlob {
  std::string digest;         // "sha256:<hex>" of the blob
  std::string diff_id;        // "sha256:<hex>" of the uncompressed tar
  std::uint64_t size = 0;     // blob bytes
  std::uint64_t tar_size = 0; // uncompressed bytes
  std::string media_type;     // application/vnd.oci.image.layer.v1.tar+gzip, ...
  std::filesystem::path path; // <blob_root>/sha256/<hex>
};

// Writes `tree` into the blob directory `blob_root` (an OCI layout's "blobs");
// fails on unreadable content or an I/O error, leaving no partial blob.
support::Result<LayerBlob> write_layer(const fs::Tree& tree, const std::filesystem::path& blob_root,
                                       const LayerOptions& options);

// Writes several independent layers on a pool of `threads` threads (0 = the
// hardware concurrency); results are in input order. Fails with the first
// error in input order.
support::Result<std::vector<LayerBlob>> write_layers(std::span<const fs::Tree* const> trees,
                                                     const std::filesystem::path& blob_root,
                                                     const LayerOptions& options,
                                                     unsigned threads = 0);

} // namespace distill::backend::layer
