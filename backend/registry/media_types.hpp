#pragma once

// Manifest and layer media types a registry serves: OCI's and Docker's
// schema 2 (which the Distribution API still speaks for most images).

#include "backend/oci/media_types.hpp"

#include <string_view>

namespace distill::backend::registry {

inline constexpr std::string_view k_oci_manifest = oci::k_manifest_type;
inline constexpr std::string_view k_oci_index = oci::k_index_type;
inline constexpr std::string_view k_docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view k_docker_manifest_list =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view k_docker_config = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view k_docker_layer = "application/vnd.docker.image.rootfs.diff.tar.gzip";

// True for an index or manifest list.
inline bool is_index_type(std::string_view type) { return type == k_oci_index || type == k_docker_manifest_list; }
// True for a single-image manifest.
inline bool is_manifest_type(std::string_view type) { return type == k_oci_manifest || type == k_docker_manifest; }

} // namespace distill::backend::registry
