#include "planner/planner.hpp"

#include "frontend/analyze.hpp"
#include "frontend/check_instructions.hpp"
#include "frontend/parse.hpp"
#include "planner/lower.hpp"
#include "planner/passes/passes.hpp"

namespace distill::planner {

Plan make_plan(const frontend::Build& build, const support::SourceFile& file, const PlanOptions& options) {
  Plan plan = lower(build, file, LowerOptions{options.rewrite});
  if (options.rewrite) {
    passes::optimize(plan);
  } else {
    passes::drop_unneeded_stages(plan);
  }
  return plan;
}

std::optional<Plan> plan_dockerfile(const support::SourceFile& file, const frontend::BuildOptions& build,
                                    const PlanOptions& options, support::DiagnosticSink& sink) {
  const frontend::Document document = frontend::parse(file, sink);
  if (sink.has_errors()) {
    return std::nullopt;
  }
  frontend::check_instructions(document, sink);
  if (sink.has_errors()) {
    return std::nullopt;
  }
  const frontend::Build analyzed = frontend::analyze(document, build, sink);
  if (sink.has_errors()) {
    return std::nullopt;
  }
  return make_plan(analyzed, document.file, options);
}

} // namespace distill::planner
