#pragma once

// The semantic analysis of a parsed Dockerfile, as BuildKit's instructions
// and dockerfile2llb layers do it: typed instructions, global and predefined
// ARGs, --build-arg, each stage's expanded base and platform, the stage graph
// (names, indexes, --target, cycles, which stages are needed), and the
// ARG/ENV/WORKDIR/USER/SHELL state after every instruction.

#include "frontend/ast.hpp"
#include "frontend/instructions.hpp"
#include "support/diagnostic.hpp"

namespace distill::frontend {

// Analyzes `document`. Findings go to `sink` with BuildKit's wording;
// problems in stages the target does not need are warnings (BuildKit never
// dispatches those stages). Always returns what could be worked out.
Build analyze(const Document& document, const BuildOptions& options, support::DiagnosticSink& sink);

} // namespace distill::frontend
