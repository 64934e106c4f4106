#pragma once

// Copying an image between layouts (store -> `-o type=oci,dest=DIR`).

#include "backend/oci/descriptor.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace distill::backend::oci {

// Copies the image `tag` names in `from` (manifest, config, layers and its
// SBOM referrers) into the layout `to` (created if needed) under `tags`.
// Blobs are hard-linked when both layouts share a filesystem, else copied
// through a temporary file; blobs already present are kept. Returns the
// manifest descriptor. Fails on an unknown tag, a missing blob or an I/O error.
support::Result<Descriptor> copy_image(const std::filesystem::path& from, std::string_view tag,
                                       const std::filesystem::path& to,
                                       std::span<const std::string> tags);

} // namespace distill::backend::oci
