#pragma once

// The planner's entry points: analyzed build in, plan out; or, for tools
// that start from text, Dockerfile text in, plan out.

#include "frontend/instructions.hpp"
#include "planner/ir.hpp"
#include "support/diagnostic.hpp"
#include "support/source.hpp"

#include <optional>

namespace distill::planner {

struct PlanOptions {
  bool rewrite = true; // apt and idiom rewrites, then the optimisation passes
};

// Lowers `build` (read from `file`) and, unless options.rewrite is off,
// rewrites RUN steps and optimises. Only the stages the target needs are
// kept either way. Never fails.
Plan make_plan(const frontend::Build& build, const support::SourceFile& file, const PlanOptions& options = {});

// Parses, checks and analyzes `file`, then plans it. Findings go to `sink`;
// returns nullopt when the Dockerfile has errors (the plan would be a guess).
std::optional<Plan> plan_dockerfile(const support::SourceFile& file, const frontend::BuildOptions& build,
                                    const PlanOptions& options, support::DiagnosticSink& sink);

} // namespace distill::planner
