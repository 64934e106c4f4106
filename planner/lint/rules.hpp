#pragma once

// The lint rules' registry: every rule distill lint reports, with its id,
// the hadolint/BuildKit ids that mean the same (so existing ignore lists keep
// working), its default severity, what it says and how to fix it.

#include "support/diagnostic.hpp"

#include <span>
#include <string_view>
#include <vector>

namespace distill::planner::lint {

enum class Category { reproducibility, bloat, safety, correctness };

std::string_view to_string(Category category);

struct Rule {
  std::string_view id;                       // "apt-unpinned", or BuildKit's name ("StageNameCasing")
  std::vector<std::string_view> aliases;     // hadolint ids with the same meaning ("DL3008")
  support::Severity severity = support::Severity::warning;
  Category category = Category::correctness;
  std::string_view summary;                  // one line: what is wrong
  std::string_view fix;                      // one line: what to do
  bool neutralised_by_build = false;         // `distill build` already makes the result reproducible
  bool migrate_fixes = false;                // `distill migrate` rewrites it
  bool buildkit = false;                     // one of BuildKit's build checks (`# check=skip=` applies)
  bool experimental = false;                 // off unless `# check=experimental=<id>|all` (as in BuildKit)
};

// Every rule, in documentation order.
std::span<const Rule> rules();

// The rule with this id or alias (case-insensitive); nullptr when unknown.
const Rule* find_rule(std::string_view id_or_alias);

// True when `name` is the rule's id or one of its aliases (case-insensitive).
bool rule_matches(const Rule& rule, std::string_view name);

} // namespace distill::planner::lint
