#pragma once

// The shape of a layer without its file contents: every entry's path, type,
// mode, owners and link target, and the contents of the account databases
// (/etc/passwd, /etc/group) only. Kept in the cache by layer digest, so that
// a COPY or WORKDIR whose layers below all come from the cache can find its
// destination and resolve --chown names without reading those layers back
// from the store.

#include "backend/fs/tree.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace distill::backend::build {

// Writes the skeleton of `layer` (a layer tree, whiteouts included) for
// `digest`; a cache that cannot be written costs only time, so failures are
// ignored.
void store_skeleton(const std::filesystem::path& cache_dir, const std::string& digest, const fs::Tree& layer);

// The skeleton kept for `digest`, as a layer tree (regular files empty but
// for the account databases); nothing when absent or damaged.
std::optional<fs::Tree> load_skeleton(const std::filesystem::path& cache_dir, const std::string& digest);

} // namespace distill::backend::build
