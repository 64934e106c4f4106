#pragma once

// Between the lock step's result and distill.lock (planner/debian/lockfile):
// writing a lock after resolving, and building from a lock without loading
// any index.

#include "backend/build/lock_plan.hpp"
#include "planner/debian/lockfile.hpp"
#include "planner/ir.hpp"
#include "support/error.hpp"

#include <string>

namespace distill::backend::build {

// The lockfile of a resolved plan.
planner::debian::Lockfile to_lockfile(const planner::Plan& plan, const PlanLock& lock, const std::string& inputs_hash);

// The lock step's result read back from a lockfile. Fails when the lock does
// not fit the plan (a stage or install step missing): the lock is stale.
support::Result<PlanLock> from_lockfile(const planner::Plan& plan, const planner::debian::Lockfile& lockfile,
                                        bool minimal);

} // namespace distill::backend::build
