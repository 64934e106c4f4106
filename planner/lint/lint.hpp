#pragma once

// distill lint: finds what makes a Dockerfile unreproducible, unsafe or
// bloated. Reads the file with the frontend (parse, check_instructions,
// analyze), runs every rule of rules.hpp and applies the suppressions
// (`# distill ignore=`, `# hadolint ignore=`, `# check=skip=`, options).

#include "frontend/dockerignore.hpp"
#include "frontend/instructions.hpp"
#include "support/diagnostic.hpp"
#include "support/source.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace distill::planner::lint {

struct LintOptions {
  std::vector<std::string> ignored;                                  // rule ids or aliases
  std::vector<std::pair<std::string, support::Severity>> overrides;  // rule id or alias -> severity
  bool pragmas = true;                                               // honour inline ignore pragmas
  std::vector<std::string> trusted_registries;                       // non-empty: untrusted-registry is on (* wildcards)
  std::string default_registry;                                      // the registry of `FROM name` without a host
  frontend::BuildOptions build;                                      // --build-arg, --target
  std::optional<frontend::IgnoreMatcher> context_ignore;             // the build context's .dockerignore; nullopt: none
};

// The findings for `file`, sorted by position. Each is a Diagnostic whose
// `kind` is the rule id (rules.hpp) and `hint` the fix; parse and analysis
// errors are "parse-error" findings. Never fails.
std::vector<support::Diagnostic> lint(const support::SourceFile& file, const LintOptions& options);

} // namespace distill::planner::lint
