#pragma once

// FROM to a Base: scratch, an earlier stage, an OCI layout, a Debian or
// Ubuntu release that distill builds from packages, or any other image.

#include "planner/ir.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace distill::planner {

// `debian:bookworm-slim`, `debian:12`, `ubuntu:24.04`, `library/debian:trixie`
// as a DistroBase; nullopt for anything else (a registry host, another
// namespace, a digest, a tag that is not a release).
std::optional<DistroBase> distro_base(std::string_view reference);

// The base for an image reference after expansion: LayoutBase for
// oci-layout://, DistroBase when distro_base() knows it, else ImageBase.
BaseKind image_base(std::string_view reference);

// The Debian codename of a version ("12" -> "bookworm"); empty when unknown.
std::string debian_codename(std::string_view version);

// The Ubuntu codename of a version ("24.04" -> "noble"); empty when unknown.
std::string ubuntu_codename(std::string_view version);

} // namespace distill::planner
