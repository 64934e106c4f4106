#pragma once

// Image references as BuildKit checks a FROM base
// (distribution/reference.ParseNormalizedNamed): `[host[:port]/]path[:tag][@digest]`,
// lower-case repository, tags of up to 128 characters, digests.

#include "support/error.hpp"

#include <string_view>

namespace distill::frontend {

// Fails with the reference package's message: `invalid reference format`,
// `invalid reference format: repository name (Foo) must be lowercase`, ...
support::Result<void> check_image_reference(std::string_view reference);

} // namespace distill::frontend
