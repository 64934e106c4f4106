#pragma once

// The first checks of BuildKit's instructions layer, which the parser itself
// does not make: every keyword must be a known instruction, and only ARG may
// come before the first FROM.

#include "frontend/ast.hpp"
#include "support/diagnostic.hpp"

#include <span>
#include <string_view>

namespace distill::frontend {

// The 18 instruction keywords, lower-case, sorted.
std::span<const std::string_view> instruction_names();

// Reports `unknown instruction: RUNN (did you mean RUN?)` (kind
// "unknown-instruction") for each unknown keyword and `no build stage in
// current context` ("no-build-stage") for the first instruction other than
// ARG before any FROM, as errors at the keyword.
void check_instructions(const Document& document, support::DiagnosticSink& sink);

} // namespace distill::frontend
