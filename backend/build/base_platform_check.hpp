#pragma once

// BuildKit's InvalidBaseImagePlatform build check: the image a FROM pulled
// is for another platform than the build asked for (a single-platform image,
// a digest of another platform's manifest, a registry that ignored the
// platform). distill lint cannot report it, since it pulls nothing; the
// build reports it once it has the base image's config.

#include "backend/oci/descriptor.hpp"
#include "support/diagnostic.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace distill::backend::build {

// The platform in containerd's normal names, as BuildKit compares and prints
// it: OS and architecture lower-case, x86_64 -> amd64, aarch64 -> arm64,
// armhf -> arm/v7, arm64's v8 and amd64's v1 variants dropped, arm's default v7.
oci::Platform normalized_platform(oci::Platform platform);

// A warning of kind "InvalidBaseImagePlatform" when `pulled` (the os,
// architecture and variant of the pulled image's config) is not for
// `requested` ("os/arch[/variant]", e.g. "linux/amd64"), worded as BuildKit's:
//   base image debian:bookworm was pulled with platform "linux/arm64", expected "linux/amd64" for current build
// `image` is the FROM's reference, `where` the FROM. As in BuildKit only OS
// and architecture count, not the variant. Nothing when they match, or when
// `requested` is not a platform (the build rejects that itself).
std::optional<support::Diagnostic> check_base_platform(std::string_view requested, std::string_view image,
                                                       const oci::Platform& pulled,
                                                       const support::SourceRange& where = {});

} // namespace distill::backend::build
