#pragma once

// Removing sandbox files from outside the sandbox. An unprivileged caller
// with a subordinate id range cannot delete what a step or a layer left owned
// by those ids (a 0700 directory of uid 100999 under its cache); this does
// the removal inside a user namespace with the same mapping as the sandbox.

#include "backend/sandbox/id_map.hpp"
#include "support/error.hpp"

#include <filesystem>

namespace distill::backend::sandbox {

// rm -rf `path` (a cache directory or part of one) with the namespace's
// rights; fails when the namespace cannot be made or the removal fails.
support::Result<void> remove_as_sandbox(const std::filesystem::path& path,
                                        IdMapMode mode = IdMapMode::automatic);

} // namespace distill::backend::sandbox
