#pragma once

// An OCI image layout directory used as a store of several images and tags:
// oci-layout, index.json (one entry per tag, named by
// org.opencontainers.image.ref.name, plus untagged artifacts such as SBOMs),
// blobs/sha256/<hex>. Blobs are written before index.json names them and
// index.json is replaced atomically under a lock, so an interrupted write
// leaves at most unreferenced blobs, never a broken layout.

#include "backend/oci/descriptor.hpp"
#include "backend/oci/image_config.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::oci {

// Creates the layout (or checks an existing one); fails if `dir` exists, is
// not empty and is not an OCI layout.
support::Result<void> init_layout(const std::filesystem::path& dir);

// <dir>/blobs: the blob root for layer::BlobWriter and layer::write_layer.
std::filesystem::path blobs_dir(const std::filesystem::path& layout);

// Reads and parses index.json; fails if missing or malformed.
support::Result<Index> read_index(const std::filesystem::path& layout);

// Adds `manifest` under each of `tags` (moving a tag that named another
// manifest) or, with no tags, as an untagged entry; keeps every other entry
// and drops untagged artifacts whose subject is no longer listed. Entries are
// kept sorted (tags by name, then untagged by digest). Fails on an I/O error
// or a malformed existing index.
support::Result<void> add_to_index(const std::filesystem::path& layout, const Descriptor& manifest,
                                   std::span<const std::string> tags);

// Removes a tag; returns false if it was not there. Fails on an I/O error.
support::Result<bool> remove_tag(const std::filesystem::path& layout, std::string_view tag);

// The manifest descriptor a tag names; with an empty tag, the only image
// manifest in the index. Fails naming the tags present when there is no match.
support::Result<Descriptor> resolve_tag(const std::filesystem::path& layout, std::string_view tag);

// Reads a blob and checks its digest and size; fails on a mismatch.
support::Result<std::string> read_blob(const std::filesystem::path& layout,
                                       const Descriptor& descriptor);

// Stores bytes as a blob and returns its descriptor of `media_type`.
support::Result<Descriptor> write_json_blob(const std::filesystem::path& layout,
                                            std::string_view media_type, std::string_view bytes);

// An image as stored: its manifest and parsed config.
struct StoredImage {
  Descriptor descriptor; // of the manifest
  Manifest manifest;
  ImageConfig config;
};

// Reads the image a tag names (see resolve_tag); fails on a missing or
// corrupt blob or when the tag names an index.
support::Result<StoredImage> read_image(const std::filesystem::path& layout, std::string_view tag);

} // namespace distill::backend::oci
