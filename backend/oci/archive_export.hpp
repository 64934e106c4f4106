#pragma once

// Single-file exports of images held in a layout (-o type=oci|docker|tar).
// Both archives are deterministic tars (sorted, every mtime = `mtime`, owner
// 0:0) written to a temporary file next to `dest` and renamed into place.

#include "support/error.hpp"

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace distill::backend::oci {

// An OCI archive (a tar of an OCI image layout) holding the images of `tags`
// from `layout` with their ref names, their referrers (SBOMs) and only the
// blobs they reach. Fails on an unknown tag, a missing blob or an I/O error.
support::Result<void> write_oci_archive(const std::filesystem::path& layout,
                                        std::span<const std::string> tags,
                                        const std::filesystem::path& dest, std::int64_t mtime);

// A docker-archive (`docker save` format: manifest.json, repositories,
// <config-hex>.json, <diff-id-hex>.tar with uncompressed layers) of the image
// `tag` names in `layout`, listed under `repo_tags` ("name:tag"), loadable by
// `docker load` and `podman load`. Each layer's diff_id is verified while it
// is decompressed. Fails on a missing or corrupt blob or an I/O error.
support::Result<void> write_docker_archive(const std::filesystem::path& layout, std::string_view tag,
                                           std::span<const std::string> repo_tags,
                                           const std::filesystem::path& dest, std::int64_t mtime);

} // namespace distill::backend::oci
