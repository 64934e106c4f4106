#pragma once

// The plan as JSON for `distill plan --json`; the format is documented in
// docs/plan-json.md and stable (a "version" field says which).

#include "planner/ir.hpp"

#include <string>

namespace distill::planner {

// The JSON text (2-space indent, newline at the end). Invalid UTF-8 in
// strings becomes U+FFFD.
std::string plan_to_json(const Plan& plan);

} // namespace distill::planner
