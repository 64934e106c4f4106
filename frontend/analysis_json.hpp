#pragma once

// The analyzed build as JSON, for `distill parse --json`: per stage its name,
// index, base (as written and expanded), platform, ARGs and ENV after
// expansion, WORKDIR, dependencies and whether the target needs it.

#include "frontend/instructions.hpp"

#include <string>

namespace distill::frontend {

// Returns the JSON text (2-space indent). Invalid UTF-8 in values is written
// as U+FFFD.
std::string analysis_to_json(const Build& build);

} // namespace distill::frontend
