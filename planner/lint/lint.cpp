#include "planner/lint/lint.hpp"

#include "frontend/analyze.hpp"
#include "frontend/check_instructions.hpp"
#include "frontend/parse.hpp"
#include "planner/lint/context.hpp"
#include "planner/lint/rules.hpp"
#include "planner/lint/suppress.hpp"

#include <algorithm>
#include <tuple>

namespace distill::planner::lint {

void LintContext::report(std::string_view rule_id, const support::SourceRange& where, std::string message) const {
  const Rule* rule = find_rule(rule_id);
  support::Diagnostic finding;
  finding.kind = std::string(rule_id);
  finding.where = where;
  if (rule != nullptr) {
    finding.severity = rule->severity;
    finding.hint = std::string(rule->fix);
    if (message.empty()) message = std::string(rule->summary);
  }
  finding.message = std::move(message);
  findings.push_back(std::move(finding));
}

namespace {

// The frontend's findings as lint findings: parse and analysis errors are
// "parse-error"; the empty-continuation notice is BuildKit's check.
void add_frontend_findings(const support::DiagnosticSink& sink, std::vector<support::Diagnostic>& findings) {
  for (const support::Diagnostic& diagnostic : sink.diagnostics()) {
    support::Diagnostic finding = diagnostic;
    finding.kind = diagnostic.kind == "no-empty-continuation" ? "NoEmptyContinuation" : "parse-error";
    const bool seen = std::ranges::any_of(findings, [&](const support::Diagnostic& other) {
      return other.where == finding.where && other.message == finding.message;
    });
    if (!seen) findings.push_back(std::move(finding));
  }
}

} // namespace

std::vector<support::Diagnostic> lint(const support::SourceFile& file, const LintOptions& options) {
  support::DiagnosticSink sink;
  const frontend::Document document = frontend::parse(file, sink);
  frontend::check_instructions(document, sink);
  const frontend::Build build = frontend::analyze(document, options.build, sink);
  std::vector<support::Diagnostic> findings;
  add_frontend_findings(sink, findings);
  const LintContext context{document, build, findings, options};
  check_buildkit(context);
  check_buildkit_from(context);
  check_undefined_vars(context);
  check_copy_ignored(context);
  check_stages(context);
  check_runs(context);
  check_registries(context);
  apply_suppressions(document, options, findings);
  std::ranges::stable_sort(findings, [](const support::Diagnostic& a, const support::Diagnostic& b) {
    return std::tie(a.where.begin.line, a.where.begin.column) < std::tie(b.where.begin.line, b.where.begin.column);
  });
  return findings;
}

} // namespace distill::planner::lint
