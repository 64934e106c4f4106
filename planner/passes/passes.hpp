#pragma once

// Optimisation passes over a plan, one function per pass. Each keeps the
// plan's meaning: what the image holds and what every kept Run sees.

#include "planner/ir.hpp"

namespace distill::planner::passes {

// Merges each run of adjacent InstallPackages ops of a stage into one when
// the later op's parts all come after the earlier op's parts in the op order
// (see InstallPackages) and their flags agree. Returns how many ops went.
int merge_installs(Plan& plan);

// Drops apt cache cleanup (Remove ops with cache_cleanup) when nothing before
// it in the stage, or in the stages it is built on, can have filled what it
// removes: declarative installs leave no lists or .debs behind, a Run that
// does not call apt does not either. An image base may hold anything, so its
// first cleanup stays. Returns how many ops went.
int drop_idle_cleanup(Plan& plan);

// Keeps only the target stage and the stages it needs (its base chain,
// COPY --from and RUN --mount from= sources, recursively) and renumbers the
// stage references. Returns how many stages went.
int drop_unneeded_stages(Plan& plan);

// All passes, in order.
void optimize(Plan& plan);

} // namespace distill::planner::passes
