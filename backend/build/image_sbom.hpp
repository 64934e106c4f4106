#pragma once

// The SBOM of a built image: every package the lock installed, with what the
// image itself says about it (licences from the DEP-5 copyright file, the
// maintainer from the dpkg database entry), and the packages a pulled base
// brought, as its dpkg database lists them.

#include "backend/build/executor.hpp"
#include "backend/sbom/spdx.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace distill::backend::build {

// The SPDX document of `built`, named `name` (a tag), for `image_digest`;
// purls are namespaced by the image's /etc/os-release ID.
sbom::Document image_sbom(const BuiltStage& built, const std::string& name,
                          const std::string& image_digest, std::int64_t created);

// The licence names of a machine-readable debian/copyright file ("GPL-2+",
// "BSD-3-clause"), each once, in order of appearance; empty for free-form files.
std::vector<std::string> copyright_licenses(const std::string& copyright);

} // namespace distill::backend::build
