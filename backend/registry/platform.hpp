#pragma once

// Choosing one image from an index or manifest list by platform.

#include "backend/oci/descriptor.hpp"
#include "support/error.hpp"

#include <string_view>

namespace distill::backend::registry {

// "os/arch[/variant]" (e.g. "linux/arm64/v8"); fails on a malformed value.
support::Result<oci::Platform> parse_platform(std::string_view text);
// The platform this process runs on (linux and the machine's architecture in OCI's names).
oci::Platform host_platform();
// "os/arch[/variant]".
std::string platform_string(const oci::Platform& platform);

// The entry of `index` for `wanted`: os and architecture equal, and the
// variant equal when both name one (arm64's "v8" counts as no variant).
// Fails listing the platforms the index offers.
support::Result<oci::Descriptor> select_platform(const oci::Index& index, const oci::Platform& wanted);

} // namespace distill::backend::registry
