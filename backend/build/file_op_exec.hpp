#pragma once

// The planner's file ops (rewritten shell idioms: mkdir -p, ln -s, useradd,
// ...) executed on a tree instead of by a shell.

#include "backend/fs/tree.hpp"
#include "planner/ir.hpp"
#include "support/error.hpp"

#include <cstdint>

namespace distill::backend::build {

// Applies one file op to `layer`, the layer being built on top of `rootfs`
// (the stage's merged filesystem so far, which the op may read: existing
// files to chmod, /etc/passwd to extend). Returns false when `op` is not a
// file op. Fails as the command would (e.g. "chmod: cannot access 'x': No
// such file or directory").
support::Result<bool> apply_file_op(const planner::Op& op, const fs::Tree& rootfs, fs::Tree& layer,
                                    std::int64_t epoch);

} // namespace distill::backend::build
