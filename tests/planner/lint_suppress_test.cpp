// Suppression: --ignore (ids and hadolint aliases), inline and global
// pragmas (`# distill ignore=`, `# hadolint ignore=`), BuildKit's
// `# check=skip=...;error=true`, and severity overrides.

#include "planner/lint/lint.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace distill::planner::lint {
namespace {

int count(const std::string& rule, const std::string& text, const LintOptions& options = {}) {
  const auto findings = lint(support::SourceFile{"Dockerfile", text}, options);
  return static_cast<int>(std::ranges::count_if(findings, [&](const auto& d) { return d.kind == rule; }));
}

const std::string k_two_runs = "FROM debian:bookworm\n"
                               "RUN apt-get install -y --no-install-recommends curl\n"
                               "RUN apt-get install -y --no-install-recommends wget\n";

TEST(LintSuppress, IgnoreOptionTakesIdsAndAliases) {
  EXPECT_EQ(count("apt-unpinned", k_two_runs), 2);
  LintOptions by_id;
  by_id.ignored = {"apt-unpinned"};
  EXPECT_EQ(count("apt-unpinned", k_two_runs, by_id), 0);
  LintOptions by_alias;
  by_alias.ignored = {"DL3008"};
  EXPECT_EQ(count("apt-unpinned", k_two_runs, by_alias), 0);
}

TEST(LintSuppress, InlinePragmaCoversOnlyTheNextInstruction) {
  const std::string text = "FROM debian:bookworm\n"
                           "# hadolint ignore=DL3008\n"
                           "RUN apt-get install -y --no-install-recommends curl\n"
                           "RUN apt-get install -y --no-install-recommends wget\n";
  EXPECT_EQ(count("apt-unpinned", text), 1);
  const std::string distill = "FROM debian:bookworm\n"
                              "# distill ignore=apt-unpinned, DL3015  # pinned by distill.lock\n"
                              "RUN apt-get install -y curl\n";
  EXPECT_EQ(count("apt-unpinned", distill), 0);
  EXPECT_EQ(count("apt-no-install-recommends", distill), 0);
}

TEST(LintSuppress, InlinePragmaCoversContinuationLines) {
  const std::string text = "FROM debian:bookworm\n"
                           "# distill ignore=apt-unpinned\n"
                           "RUN apt-get update && \\\n"
                           "    apt-get install -y --no-install-recommends curl\n";
  EXPECT_EQ(count("apt-unpinned", text), 0);
}

TEST(LintSuppress, PragmaWithAnotherIdDoesNotSuppress) {
  const std::string text = "FROM debian:bookworm\n"
                           "# hadolint ignore=DL3015\n"
                           "RUN apt-get install -y --no-install-recommends curl\n";
  EXPECT_EQ(count("apt-unpinned", text), 1);
  LintOptions no_pragmas;
  no_pragmas.pragmas = false;
  const std::string ignored = "FROM debian:bookworm\n# hadolint ignore=DL3008\nRUN apt-get install -y curl\n";
  EXPECT_EQ(count("apt-unpinned", ignored, no_pragmas), 1);
}

TEST(LintSuppress, GlobalPragma) {
  EXPECT_EQ(count("apt-unpinned", "# hadolint global ignore=DL3008\n" + k_two_runs), 0);
  EXPECT_EQ(count("apt-unpinned", k_two_runs + "# distill global ignore=apt-unpinned\n"), 0);
}

TEST(LintSuppress, CheckDirectiveSkipsAndRaisesBuildKitRules) {
  const std::string body = "FROM debian:bookworm AS Build\nMAINTAINER me\n";
  EXPECT_EQ(count("StageNameCasing", body), 1);
  EXPECT_EQ(count("StageNameCasing", "# check=skip=StageNameCasing,FromAsCasing\n" + body), 0);
  EXPECT_EQ(count("MaintainerDeprecated", "# check=skip=StageNameCasing\n" + body), 1);
  EXPECT_EQ(count("MaintainerDeprecated", "# check=skip=all\n" + body), 0);
  // skip=all is about BuildKit's checks only.
  EXPECT_EQ(count("base-image-no-digest", "# check=skip=all\n" + body), 1);
  const auto findings = lint(support::SourceFile{"Dockerfile", "# check=error=true\n" + body}, {});
  const auto it = std::ranges::find_if(findings, [](const auto& d) { return d.kind == "MaintainerDeprecated"; });
  ASSERT_NE(it, findings.end());
  EXPECT_EQ(it->severity, support::Severity::error);
}

TEST(LintSuppress, OverridesChangeSeverity) {
  LintOptions options;
  options.overrides = {{"DL3008", support::Severity::error}};
  const auto findings = lint(support::SourceFile{"Dockerfile", k_two_runs}, options);
  for (const auto& d : findings) {
    if (d.kind == "apt-unpinned") {
      EXPECT_EQ(d.severity, support::Severity::error);
    }
  }
}

TEST(LintSuppress, ParseErrorsCannotBeIgnored) {
  const std::string text = "FROM debian:bookworm\n# distill ignore=parse-error\nRUNN true\n";
  LintOptions options;
  options.ignored = {"parse-error"};
  EXPECT_GE(count("parse-error", text, options), 1);
}

} // namespace
} // namespace distill::planner::lint
