#pragma once

// Internal to planner/lint: the ways a finding is turned off or re-levelled:
// `--ignore` and config lists, `# distill ignore=ID[,ID]` and
// `# hadolint ignore=ID` pragmas on the comment lines right above an
// instruction, `# distill global ignore=` / `# hadolint global ignore=`
// anywhere in the file, and BuildKit's `# check=skip=...;error=true`.

#include "frontend/ast.hpp"
#include "planner/lint/lint.hpp"
#include "support/diagnostic.hpp"

#include <string>
#include <vector>

namespace distill::planner::lint {

// The rule ids of a pragma comment (`#` already removed) for `scope`
// ("ignore" or "global ignore"); empty when the comment is not one.
std::vector<std::string> pragma_ids(std::string_view comment, std::string_view scope);

// Drops suppressed findings and applies `# check=error=true` and overrides.
void apply_suppressions(const frontend::Document& document, const LintOptions& options,
                        std::vector<support::Diagnostic>& findings);

} // namespace distill::planner::lint
