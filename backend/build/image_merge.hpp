#pragma once

// Package installs on a pulled image: the generated layer of a package step
// is made from the new packages alone (the image's own packages have no .deb
// here), so it must add to the image rather than replace what it has.

#include "backend/fs/tree.hpp"
#include "support/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::build {

// The dpkg-style stanzas of `base` with those of `added` put in (replacing a
// stanza of the same Package and Architecture), sorted like dpkg writes them.
std::string merge_stanzas(std::string_view base, std::string_view added);

// Fits `generated` onto `image`: dpkg's status and apt's extended_states are
// merged with the image's; any other file the image already has is left to the
// image (a note is added when it is an account or certificate file whose
// new content is not merged). Fails on an unreadable file.
support::Result<void> fit_generated_to_image(fs::Tree& generated, const fs::Tree& image, std::int64_t epoch,
                                             std::vector<std::string>& notes);

} // namespace distill::backend::build
