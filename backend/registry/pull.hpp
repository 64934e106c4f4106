#pragma once

// Pulling an image into the content-addressed cache: the manifest (through
// an index by platform), the config and every layer, all verified by digest
// before they enter the cache. A reference pinned by digest whose blobs are
// all cached needs no network at all.

#include "backend/fetch/cache.hpp"
#include "backend/oci/descriptor.hpp"
#include "backend/oci/image_config.hpp"
#include "backend/registry/client.hpp"
#include "backend/registry/reference.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace distill::backend::registry {

struct PulledImage {
  Reference reference;          // as asked for, normalised
  std::string resolved_digest;  // what the tag named (an index or a manifest): lock this
  std::string manifest_digest;  // the platform's image manifest
  oci::Manifest manifest;       // media types normalised to OCI's (same bytes)
  std::string config_bytes;
  oci::ImageConfig config;
  std::vector<std::filesystem::path> layer_files; // cache paths, in manifest order
};

// Pulls `ref` for `platform` into `cache`; with `pinned_digest` (from a
// lock) that digest is fetched instead of the tag. Fails naming the image:
// not found, auth, a digest mismatch (nothing cached), no such platform.
support::Result<PulledImage> pull_image(const Reference& ref, const oci::Platform& platform,
                                        const fetch::Cache& cache, const ClientOptions& options,
                                        const std::string& pinned_digest = {},
                                        const std::function<void(std::string_view)>& log = {});

} // namespace distill::backend::registry
