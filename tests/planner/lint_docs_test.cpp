// The examples of docs/lint-rules.md are tests: under each `### rule`
// heading, the ```dockerfile bad block must trip the rule and the
// ```dockerfile good block must not. A block header may name options:
// "```dockerfile bad trusted=registry.example.com" (a trusted registry),
// "```dockerfile bad dockerignore=a,b" (the context's .dockerignore patterns).

#include "planner/lint/lint.hpp"
#include "planner/lint/rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace distill::planner::lint {
namespace {

bool catches(const std::string& rule, const std::string& text, const LintOptions& options) {
  const auto findings = lint(support::SourceFile{"Dockerfile", text}, options);
  return std::ranges::any_of(findings, [&](const support::Diagnostic& d) { return d.kind == rule; });
}

TEST(LintDocs, EveryRuleIsDocumentedWithExamplesThatHold) {
  std::ifstream in(DISTILL_SOURCE_DIR "/docs/lint-rules.md");
  ASSERT_TRUE(in) << "docs/lint-rules.md missing";
  std::string line;
  std::string rule;
  std::string block;
  std::string kind; // "bad" / "good" while inside a block
  LintOptions options;
  std::set<std::string> documented;
  int examples = 0;
  while (std::getline(in, line)) {
    if (!kind.empty()) {
      if (line == "```") {
        EXPECT_EQ(catches(rule, block, options), kind == "bad") << rule << " " << kind << " example:\n" << block;
        ++examples;
        kind.clear();
        block.clear();
      } else {
        block += line + "\n";
      }
    } else if (line.starts_with("### ")) {
      rule = line.substr(4);
      documented.insert(rule);
    } else if (line.starts_with("```dockerfile bad") || line.starts_with("```dockerfile good")) {
      std::istringstream header(line.substr(14));
      header >> kind;
      options = {};
      for (std::string option; header >> option;) {
        if (option.starts_with("trusted=")) {
          options.trusted_registries.push_back(option.substr(8));
        } else if (option.starts_with("dockerignore=")) {
          std::vector<std::string> patterns;
          std::istringstream list(option.substr(13));
          for (std::string pattern; std::getline(list, pattern, ',');) patterns.push_back(pattern);
          auto matcher = frontend::make_ignore_matcher(patterns);
          if (matcher) options.context_ignore = std::move(*matcher);
          else ADD_FAILURE() << matcher.error().message;
        } else {
          ADD_FAILURE() << "unknown option in block header: " << line;
        }
      }
    }
  }
  for (const Rule& r : rules()) EXPECT_TRUE(documented.contains(std::string(r.id))) << r.id << " is not documented";
  EXPECT_EQ(examples, 2 * static_cast<int>(rules().size()));
}

} // namespace
} // namespace distill::planner::lint
