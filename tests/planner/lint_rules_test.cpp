// Each lint rule with a positive and a negative case: Dockerfile text in,
// the rule ids found out (the hadolint spec style, ruleCatches/ruleCatchesNot).

#include "planner/lint/lint.hpp"
#include "planner/lint/rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace distill::planner::lint {
namespace {

std::vector<support::Diagnostic> run_lint(const std::string& text, const LintOptions& options = {}) {
  return lint(support::SourceFile{"Dockerfile", text}, options);
}

bool catches(const std::string& rule, const std::string& text) {
  const auto findings = run_lint(text);
  return std::ranges::any_of(findings, [&](const support::Diagnostic& d) { return d.kind == rule; });
}

struct Case {
  std::string rule;
  std::string bad;
  std::string good;
};

// Base for good cases that should not trip unrelated rules.
const std::string k_from = "FROM debian:bookworm@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";

const std::vector<Case>& cases() {
  static const std::vector<Case> k_cases = {
      {"base-image-no-digest", "FROM debian:bookworm\n", k_from},
      {"base-image-no-tag", "FROM debian\n", "FROM debian:bookworm\n"},
      {"base-image-latest", "FROM debian:latest\n", "FROM debian:bookworm\n"},
      {"apt-upgrade", k_from + "RUN apt-get update && apt-get upgrade -y\n", k_from + "RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\n"},
      {"apt-unpinned", k_from + "RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
       k_from + "RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*\n"},
      {"apt-no-install-recommends", k_from + "RUN apt-get install -y curl=7.88.1-10\n",
       k_from + "RUN apt-get install -y --no-install-recommends curl=7.88.1-10\n"},
      {"apt-lists-left", k_from + "RUN apt-get update && apt-get install -y --no-install-recommends curl=1\n",
       k_from + "RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl=1\n"},
      {"apt-update-separate", k_from + "RUN apt-get update\nRUN apt-get install -y --no-install-recommends curl=1\n",
       k_from + "RUN apt-get update && apt-get install -y --no-install-recommends curl=1 && rm -rf /var/lib/apt/lists/*\n"},
      {"apk-unpinned", k_from + "RUN apk add --no-cache curl\n", k_from + "RUN apk add --no-cache curl=8.5.0-r0\n"},
      {"pip-unpinned", k_from + "RUN pip install --no-cache-dir requests\n",
       k_from + "RUN pip install --no-cache-dir requests==2.31.0 && pip install -r requirements.txt\n"},
      {"npm-install-not-ci", k_from + "RUN npm install\n", k_from + "RUN npm ci\n"},
      {"npm-unpinned", k_from + "RUN npm install -g typescript\n", k_from + "RUN npm install -g typescript@5.4.5\n"},
      {"go-install-latest", k_from + "RUN go install golang.org/x/tools/cmd/goimports@latest\n",
       k_from + "RUN go install golang.org/x/tools/cmd/goimports@v0.20.0 && go install ./cmd/...\n"},
      {"pipe-to-shell", k_from + "RUN curl -fsSL https://example.com/install.sh | sh\n",
       k_from + "RUN curl -fsSLo install.sh https://example.com/install.sh && sh install.sh\n"},
      {"pipe-to-shell", k_from + "RUN sh -c \"$(wget -qO- https://example.com/i.sh)\"\n", k_from + "RUN curl -fsSL https://example.com/x.tgz | tar -xz\n"},
      {"add-url-no-checksum", k_from + "ADD https://example.com/x.tar.gz /tmp/\n",
       k_from + "ADD --checksum=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef https://example.com/x.tar.gz /tmp/\n"},
      {"add-instead-of-copy", k_from + "ADD app.py /app/\n", k_from + "ADD rootfs.tar.gz /\nCOPY app.py /app/\n"},
      {"final-user-root", k_from + "USER root\n", k_from + "USER root\nRUN true\nUSER app\n"},
      {"final-user-root", k_from, "FROM " + k_from.substr(5, k_from.size() - 6) + " AS base\nUSER 1000\nFROM base\n"},
      {"SecretsUsedInArgOrEnv", k_from + "ARG GITHUB_TOKEN\nENV DB_PASSWORD=x\n", k_from + "ARG PUBLIC_KEY\nENV TOKEN_FILE=/run/t\n"},
      {"sudo", k_from + "RUN sudo apt-get clean\n", k_from + "RUN apt-get clean\n"},
      {"chmod-777", k_from + "RUN chmod -R 777 /app\n", k_from + "RUN chmod -R 755 /app\n"},
      {"chmod-777", k_from + "COPY --chmod=777 a /a\n", k_from + "COPY --chmod=755 a /a\n"},
      {"StageNameCasing", "FROM debian:bookworm AS Build\n", "FROM debian:bookworm AS build\n"},
      {"FromAsCasing", "FROM debian:bookworm as build\n", "FROM debian:bookworm AS build\n"},
      {"ConsistentInstructionCasing", "FROM debian:bookworm\nrun true\nRUN true\n", "FROM debian:bookworm\nRUN true\nRUN true\n"},
      {"DuplicateStageName", "FROM debian:bookworm AS a\nFROM debian:bookworm AS a\n", "FROM debian:bookworm AS a\nFROM debian:bookworm AS b\n"},
      {"ReservedStageName", "FROM debian:bookworm AS context\n", "FROM debian:bookworm AS contexts\n"},
      {"JSONArgsRecommended", k_from + "CMD my-server --port 80\n", k_from + "CMD [\"my-server\", \"--port\", \"80\"]\n"},
      {"MaintainerDeprecated", k_from + "MAINTAINER me@example.com\n", k_from + "LABEL org.opencontainers.image.authors=\"me@example.com\"\n"},
      {"WorkdirRelativePath", k_from + "WORKDIR app\n", k_from + "WORKDIR /srv\nWORKDIR app\n"},
      {"MultipleInstructionsDisallowed", k_from + "CMD [\"a\"]\nCMD [\"b\"]\n", k_from + "ENTRYPOINT [\"a\"]\nCMD [\"b\"]\n"},
      {"LegacyKeyValueFormat", k_from + "ENV PATH /usr/bin\n", k_from + "ENV PATH=/usr/bin\n"},
      {"ExposeProtoCasing", k_from + "EXPOSE 80/TCP\n", k_from + "EXPOSE 80/tcp\n"},
      {"NoEmptyContinuation", k_from + "RUN echo a \\\n\n  b\n", k_from + "RUN echo a \\\n# comment\n  b\n"},
      {"parse-error", k_from + "RUNN true\n", k_from + "RUN true\n"},
  };
  return k_cases;
}

TEST(LintRules, EachRuleCatchesItsBadCaseAndNotItsGoodCase) {
  for (const Case& c : cases()) {
    EXPECT_TRUE(catches(c.rule, c.bad)) << c.rule << " should catch:\n" << c.bad;
    EXPECT_FALSE(catches(c.rule, c.good)) << c.rule << " should not catch:\n" << c.good;
  }
}

TEST(LintRules, EveryRegisteredRuleHasACase) {
  std::set<std::string> tested;
  for (const Case& c : cases()) tested.insert(c.rule);
  for (const Rule& rule : rules()) EXPECT_TRUE(tested.contains(std::string(rule.id))) << rule.id << " has no test case";
}

TEST(LintRules, RegistryIdsAndAliasesAreUniqueAndComplete) {
  std::set<std::string> names;
  for (const Rule& rule : rules()) {
    EXPECT_TRUE(names.insert(std::string(rule.id)).second) << rule.id;
    for (auto alias : rule.aliases) EXPECT_TRUE(names.insert(std::string(alias)).second) << alias;
    EXPECT_FALSE(rule.summary.empty()) << rule.id;
    EXPECT_FALSE(rule.fix.empty()) << rule.id;
  }
  ASSERT_NE(find_rule("dl3008"), nullptr);
  EXPECT_EQ(find_rule("DL3008")->id, "apt-unpinned");
  EXPECT_EQ(find_rule("no-such-rule"), nullptr);
}

TEST(LintRules, RangesPointAtTheOffendingText) {
  const std::string text = k_from + "RUN apt-get update \\\n && apt-get install -y --no-install-recommends \\\n      curl wget=1 \\\n && rm -rf /var/lib/apt/lists/*\n";
  const auto findings = run_lint(text);
  const auto it = std::ranges::find_if(findings, [](const auto& d) { return d.kind == "apt-unpinned"; });
  ASSERT_NE(it, findings.end());
  EXPECT_EQ(it->where.begin.line, 4);
  EXPECT_EQ(it->where.begin.column, 7);
  EXPECT_EQ(it->where.end.line, 4);
  EXPECT_EQ(it->where.end.column, 11);
  EXPECT_EQ(it->severity, support::Severity::warning);
  EXPECT_FALSE(it->hint.empty());

  const auto tag = run_lint("FROM  debian:latest\n");
  const auto latest = std::ranges::find_if(tag, [](const auto& d) { return d.kind == "base-image-latest"; });
  ASSERT_NE(latest, tag.end());
  EXPECT_EQ(latest->where.begin.column, 7);
  EXPECT_EQ(latest->where.end.column, 20);
}

TEST(LintRules, HeredocRunScriptsAreLinted) {
  const auto findings = run_lint(k_from + "RUN <<EOF\nset -e\nsudo true\nEOF\n");
  const auto it = std::ranges::find_if(findings, [](const auto& d) { return d.kind == "sudo"; });
  ASSERT_NE(it, findings.end());
  EXPECT_EQ(it->where.begin.line, 4);
}

} // namespace
} // namespace distill::planner::lint
