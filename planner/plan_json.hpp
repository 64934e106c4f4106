#pragma once

// The plan as JSON for `distill plan --json`; the format is documented in
// docs/plan-json.md and stable (a "version" field says which).

#include "planner/ir.hpp"

#include <string>

namespace distill::planner {

// The JSON text (2-space indent, newline at the end). Invalid UTF-8 in
// strings becomes U+FFFD.
std::string plan_to_json(const Plan& plan);

// One op's fields without its source ranges, as bytes (CBOR of its JSON
// object): what the op does, so that the same op on another line compares
// equal (build cache keys).
std::string op_fingerprint(const Op& op);

} // namespace distill::planner
