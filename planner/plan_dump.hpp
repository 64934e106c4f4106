#pragma once

// The text form of a plan, as `distill plan` prints it and the golden tests
// compare it: one line per op with its source line, then a summary of the
// RUN rewrites.

#include "planner/ir.hpp"

#include <string>

namespace distill::planner {

// One op on one line, without its source line: `InstallPackages curl git=1:2.39 [no-recommends]`.
std::string describe_op(const Op& op);

// One base: `debian:bookworm-slim (distro debian bookworm, slim)`.
std::string describe_base(const Base& base, const Plan& plan);

// The whole plan: stages, ops with their lines, the rewrite summary.
std::string dump_plan(const Plan& plan);

// Text with newlines, tabs, quotes and backslashes escaped, in double quotes.
std::string quoted(const std::string& text);

} // namespace distill::planner
