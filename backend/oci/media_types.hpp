#pragma once

// OCI media types and annotation keys, spelled once.

#include <string_view>

namespace distill::backend::oci {

inline constexpr std::string_view k_manifest_type = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view k_index_type = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view k_config_type = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view k_empty_type = "application/vnd.oci.empty.v1+json";
inline constexpr std::string_view k_spdx_type = "application/spdx+json";

inline constexpr std::string_view k_ref_name = "org.opencontainers.image.ref.name";
inline constexpr std::string_view k_created = "org.opencontainers.image.created";
inline constexpr std::string_view k_base_name = "org.opencontainers.image.base.name";
inline constexpr std::string_view k_base_digest = "org.opencontainers.image.base.digest";

} // namespace distill::backend::oci
