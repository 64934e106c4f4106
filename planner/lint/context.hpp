#pragma once

// Internal to planner/lint: what every check gets, and the checks.

#include "frontend/ast.hpp"
#include "frontend/instructions.hpp"
#include "planner/lint/lint.hpp"
#include "support/diagnostic.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace distill::planner::lint {

struct LintContext {
  const frontend::Document& document;
  const frontend::Build& build;
  std::vector<support::Diagnostic>& findings;
  const LintOptions& options;

  // Adds a finding of `rule` (an id of rules.hpp) with the rule's severity
  // and fix; `message` empty = the rule's summary.
  void report(std::string_view rule, const support::SourceRange& where, std::string message = {}) const;
};

// FROM, USER, ADD/COPY, ARG/ENV rules (check_stages.cpp).
void check_stages(const LintContext& context);

// BuildKit's build checks that need only the syntax tree (check_buildkit.cpp).
void check_buildkit(const LintContext& context);

// BuildKit's checks on FROM, ARG and EXPOSE (check_buildkit_from.cpp).
void check_buildkit_from(const LintContext& context);

// BuildKit's UndefinedVar: variables that BuildKit expands but cannot find
// (check_undefined_var.cpp).
void check_undefined_vars(const LintContext& context);

// BuildKit's CopyIgnoredFile: local COPY/ADD sources that the context's
// .dockerignore excludes (check_copy_ignored.cpp); nothing without one.
void check_copy_ignored(const LintContext& context);

// Rules on the shell commands of RUN (check_run.cpp).
void check_runs(const LintContext& context);

// Base images, COPY --from and RUN --mount from= images outside the trusted
// registries (check_registry.cpp); does nothing when none are configured.
void check_registries(const LintContext& context);

// True when an ADD/COPY source is a URL / a git repository (check_stages.cpp).
bool is_url(std::string_view source);
bool is_git(std::string_view source);

// True when all letters of `text` are lower-case / upper-case.
bool is_lower(std::string_view text);
bool is_upper(std::string_view text);

} // namespace distill::planner::lint
