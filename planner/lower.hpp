#pragma once

// Lowering: the analyzed build (frontend::Build) to the Plan IR. Each
// instruction becomes ops that keep its source range and BuildKit's history
// text; with `rewrite` on, RUN steps go through the apt and idiom rewrites
// (rewrite/run_rewrite.hpp) on the way. Every stage is lowered; the passes
// (passes/passes.hpp) drop the ones the target does not need.

#include "frontend/instructions.hpp"
#include "planner/ir.hpp"
#include "support/source.hpp"

namespace distill::planner {

struct LowerOptions {
  bool rewrite = true; // false: RUN steps stay as written (`distill plan --before`)
};

// Lowers `build`, read from `file` (for the source ranges of the commands
// inside RUN scripts). Never fails: what cannot be understood stays a Run.
Plan lower(const frontend::Build& build, const support::SourceFile& file, const LowerOptions& options);

} // namespace distill::planner
