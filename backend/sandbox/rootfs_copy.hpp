#pragma once

// The copy fallback for where overlayfs is refused: layers are copied one
// over the other into a plain directory, applying their whiteouts and opaque
// directories, keeping owners (where mapped), modes, xattrs and mtimes.

#include "support/error.hpp"

#include <filesystem>

namespace distill::backend::sandbox {

// Applies the overlay-format layer directory `layer` onto `root`; fails on
// the first I/O error.
support::Result<void> apply_layer_dir(const std::filesystem::path& layer,
                                      const std::filesystem::path& root);

} // namespace distill::backend::sandbox
