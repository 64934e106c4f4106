#pragma once

// Storing an SBOM next to its image: an OCI 1.1 artifact (an image manifest
// with artifactType application/spdx+json, the empty config and the SPDX
// document as its one layer) whose `subject` is the image manifest, listed
// untagged in index.json so it goes (and is garbage-collected) with the image.

#include "backend/oci/descriptor.hpp"
#include "support/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace distill::backend::sbom {

// Writes the artifact into `layout` and adds it to index.json; returns the
// artifact manifest's descriptor. Fails on an I/O error.
support::Result<oci::Descriptor> attach_sbom(const std::filesystem::path& layout,
                                             const oci::Descriptor& image_manifest,
                                             std::string_view spdx_json, std::int64_t created);

// The SPDX documents attached to `image_manifest` in `layout` (usually one).
// Fails on an unreadable index or blob.
support::Result<std::vector<std::string>> find_sboms(const std::filesystem::path& layout,
                                                     const oci::Descriptor& image_manifest);

// Writes the document to a file (--sbom FILE) atomically.
support::Result<void> write_sbom_file(const std::filesystem::path& file, std::string_view spdx_json);

} // namespace distill::backend::sbom
