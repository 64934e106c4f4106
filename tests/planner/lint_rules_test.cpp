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

bool catches(const std::string& rule, const std::string& text, const LintOptions& options = {}) {
  const auto findings = run_lint(text, options);
  return std::ranges::any_of(findings, [&](const support::Diagnostic& d) { return d.kind == rule; });
}

struct Case {
  std::string rule;
  std::string bad;
  std::string good;
  std::vector<std::string> trusted = {}; // trusted registries (untrusted-registry is off without them)
  std::vector<std::string> dockerignore = {}; // the build context's .dockerignore patterns (none: no file)
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
      {"download-no-checksum", k_from + "RUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz && tar -xzf /tmp/x.tgz\n",
       k_from + "RUN curl -fsSLo /tmp/x.tgz https://example.com/x.tgz \\\n && echo \"" + std::string(64, 'a') +
           "  /tmp/x.tgz\" | sha256sum -c - && tar -xzf /tmp/x.tgz\n"},
      {"download-no-checksum", k_from + "RUN wget -qO- https://example.com/x.tgz | tar -xz\n",
       k_from + "RUN curl -fsSL https://example.com/install.sh | sh\n"},
      {"download-no-checksum", k_from + "RUN curl -fsSLO \"$NODE_URL\"\n",
       k_from + "RUN curl -fsSLO https://example.com/x.tgz https://example.com/x.tgz.asc && gpgv --keyring k.gpg x.tgz.asc x.tgz\n"},
      {"git-clone-unpinned", k_from + "RUN git clone --depth 1 https://example.com/repo.git /src\n",
       k_from + "RUN git clone https://example.com/repo.git /src && git -C /src checkout 0123456789abcdef0123456789abcdef01234567\n"},
      {"git-clone-unpinned", k_from + "RUN git clone -b main https://example.com/repo.git\n",
       k_from + "RUN git clone --branch v1.2.3 --depth 1 https://example.com/repo.git\n"},
      {"time-or-random-value", k_from + "RUN date > /build-date\n", k_from + "RUN date && date -d @0 > /epoch\n"},
      {"time-or-random-value", k_from + "RUN echo \"$RANDOM\" > /seed\n", k_from + "RUN echo \"$HOME\" > /home-dir\n"},
      {"time-or-random-value", k_from + "RUN uuidgen > /etc/machine-id\n", k_from + "RUN uuidgen\n"},
      {"time-or-random-value", k_from + "RUN tmp=\"$(mktemp -d)\" && cd \"$tmp\" && make\n",
       k_from + "RUN tmp=\"$(mktemp -d)\" && cd \"$tmp\" && make && rm -rf \"$tmp\"\n"},
      {"copy-all-before-install", k_from + "WORKDIR /app\nCOPY . .\nRUN npm ci\n",
       k_from + "WORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n"},
      {"copy-all-before-install", k_from + "WORKDIR /app\nCOPY . /app\nRUN pip install -r requirements.txt\n",
       k_from + "WORKDIR /app\nCOPY . /app\nRUN pip install .\n"},
      {"pip-cache-left", k_from + "RUN pip install requests==2.31.0\n",
       k_from + "RUN pip install --no-cache-dir requests==2.31.0\n"},
      {"pip-cache-left", k_from + "RUN python3 -m pip install requests==2.31.0\n",
       k_from + "ENV PIP_NO_CACHE_DIR=1\nRUN python3 -m pip install requests==2.31.0\n"},
      {"pip-cache-left", k_from + "RUN pip3 install -r requirements.txt\n",
       k_from + "RUN --mount=type=cache,target=/root/.cache/pip pip3 install -r requirements.txt\n"},
      {"apk-cache-left", k_from + "RUN apk add curl=8.5.0-r0\n", k_from + "RUN apk add --no-cache curl=8.5.0-r0\n"},
      {"apk-cache-left", k_from + "RUN apk update && apk add curl=8.5.0-r0\n",
       k_from + "RUN --mount=type=cache,target=/var/cache/apk apk add curl=8.5.0-r0\n"},
      {"npm-cache-left", k_from + "RUN npm ci\n", k_from + "RUN npm ci && npm cache clean --force\n"},
      {"yarn-cache-left", k_from + "RUN yarn install --frozen-lockfile\n",
       k_from + "RUN yarn install --frozen-lockfile && yarn cache clean\n"},
      {"yum-cache-left", k_from + "RUN yum install -y httpd-2.4.6\n", k_from + "RUN yum install -y httpd-2.4.6 && yum clean all\n"},
      {"dnf-cache-left", k_from + "RUN microdnf install -y httpd-2.4.6\n",
       k_from + "RUN dnf install -y httpd-2.4.6 && dnf clean all\n"},
      {"zypper-cache-left", k_from + "RUN zypper install -y curl-8.0\n",
       k_from + "RUN zypper install -y curl-8.0 && zypper clean -a\n"},
      {"untrusted-registry", "FROM other.example.org/debian:bookworm\n", "FROM registry.example.com/debian:bookworm\n",
       {"registry.example.com"}},
      {"untrusted-registry", k_from + "COPY --from=other.example.org/tools:1 /bin/x /bin/x\n",
       "FROM mirror.example.com/debian:bookworm\nCOPY --from=registry.example.com/tools:1 /bin/x /bin/x\n",
       {"*.example.com"}},
      {"UndefinedArgInFrom", "FROM debian:${VERSION}\n", "ARG VERSION=bookworm\nFROM debian:${VERSION}\n"},
      {"UndefinedArgInFrom", "FROM --platform=$BUILDPLATFROM debian:bookworm\n",
       "FROM --platform=$BUILDPLATFORM debian:bookworm\n"},
      {"InvalidDefaultArgInFrom", "ARG VERSION\nFROM debian:${VERSION}\n", "ARG VERSION\nFROM debian:${VERSION:-bookworm}\n"},
      {"InvalidDefaultArgInFrom", "ARG IMAGE\nFROM ${IMAGE}\n", "ARG SUFFIX\nFROM debian${SUFFIX}\n"},
      {"RedundantTargetPlatform", "FROM --platform=$TARGETPLATFORM debian:bookworm\n",
       "FROM --platform=$BUILDPLATFORM debian:bookworm\n"},
      {"FromPlatformFlagConstDisallowed", "FROM --platform=linux/amd64 debian:bookworm AS build\n",
       "FROM --platform=linux/amd64 debian:bookworm AS build-amd64\n"},
      {"ExposeInvalidFormat", k_from + "EXPOSE 8080:80\n", k_from + "EXPOSE 80\n"},
      {"UndefinedVar", k_from + "ARG VERSION=1\nCOPY app-$VERSON.tar /opt/\n",
       k_from + "ARG VERSION=1\nCOPY app-$VERSION.tar /opt/\n"},
      {"UndefinedVar", "FROM scratch\nWORKDIR $HOME/app\n", "FROM scratch\nENV HOME=/root\nWORKDIR $HOME/app\n"},
      {"UndefinedVar", "ARG VERSION=1\n" + k_from + "LABEL version=$VERSION\n",
       "ARG VERSION=1\n" + k_from + "ARG VERSION\nLABEL version=$VERSION\n"},
      {"UndefinedVar", k_from + "ENV LD_LIBRARY_PATH=/opt/lib:$LD_LIBRARY_PATH\n",
       k_from + "ENV LD_LIBRARY_PATH=/opt/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}\nRUN echo $UNSET_IN_SHELL\n"},
      {"UndefinedVar", "FROM python:3.12 AS base\nENV APP_HOME=/app\nFROM base\nWORKDIR $APP_HOMME\n",
       "FROM python:3.12\nENV PYTHONPATH=/app:$PYTHONPATH\nENV PATH=$GOPATH/bin:$PATH\n"},
      {"CopyIgnoredFile", k_from + "COPY node_modules /app/node_modules\n", k_from + "COPY src /app/src\n", {},
       {"node_modules", "*.log"}},
      {"CopyIgnoredFile", k_from + "ADD ./logs/../debug.log /tmp/\n",
       k_from + "COPY --from=build /debug.log /tmp/\nADD https://example.com/debug.log /tmp/\n", {}, {"*.log"}},
      {"InvalidDefinitionDescription",
       "# check=experimental=InvalidDefinitionDescription\n\n# the compiler stage\nFROM debian:bookworm AS build\n",
       "# check=experimental=InvalidDefinitionDescription\n\n# build compiles the program\nFROM debian:bookworm AS build\n"},
  };
  return k_cases;
}

TEST(LintRules, EachRuleCatchesItsBadCaseAndNotItsGoodCase) {
  for (const Case& c : cases()) {
    LintOptions options;
    options.trusted_registries = c.trusted;
    if (!c.dockerignore.empty()) {
      auto matcher = frontend::make_ignore_matcher(c.dockerignore);
      ASSERT_TRUE(matcher) << matcher.error().message;
      options.context_ignore = std::move(*matcher);
    }
    EXPECT_TRUE(catches(c.rule, c.bad, options)) << c.rule << " should catch:\n" << c.bad;
    EXPECT_FALSE(catches(c.rule, c.good, options)) << c.rule << " should not catch:\n" << c.good;
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

TEST(LintRules, NewRulesPointAtTheCommand) {
  const auto findings = run_lint(k_from + "RUN set -e; \\\n    git clone https://example.com/r.git /r && \\\n    date > /when\n");
  const auto clone = std::ranges::find_if(findings, [](const auto& d) { return d.kind == "git-clone-unpinned"; });
  ASSERT_NE(clone, findings.end());
  EXPECT_EQ(clone->where.begin.line, 3);
  EXPECT_EQ(clone->where.begin.column, 5);
  EXPECT_EQ(clone->where.end.column, 43);
  const auto date = std::ranges::find_if(findings, [](const auto& d) { return d.kind == "time-or-random-value"; });
  ASSERT_NE(date, findings.end());
  EXPECT_EQ(date->where.begin.line, 4);
  EXPECT_EQ(date->where.begin.column, 5);
}

TEST(LintRules, UntrustedRegistryUsesTheDefaultRegistryForShortNames) {
  LintOptions options;
  options.default_registry = "hub.example.com";
  options.trusted_registries = {"registry.example.com"};
  EXPECT_TRUE(catches("untrusted-registry", "FROM debian:bookworm\n", options));
  options.trusted_registries.push_back("HUB.example.com");
  EXPECT_FALSE(catches("untrusted-registry", "FROM debian:bookworm\n", options));
  // A stage, scratch and an image named through an ARG are not checked.
  LintOptions only_one;
  only_one.trusted_registries = {"registry.example.com"};
  EXPECT_FALSE(catches("untrusted-registry", "ARG IMG\nFROM registry.example.com/a:1 AS a\nFROM a\nFROM scratch\nFROM ${IMG}\n",
                       only_one));
  EXPECT_FALSE(catches("untrusted-registry", "FROM other.example.org/debian:bookworm\n"));
}

TEST(LintRules, ExperimentalRulesAreOffByDefault) {
  EXPECT_FALSE(catches("InvalidDefinitionDescription", "# the compiler stage\nFROM debian:bookworm AS build\n"));
  EXPECT_TRUE(catches("InvalidDefinitionDescription",
                      "# check=experimental=all\n\n# the compiler stage\nFROM debian:bookworm AS build\n"));
}

LintOptions with_ignore(const std::vector<std::string>& patterns) {
  LintOptions options;
  auto matcher = frontend::make_ignore_matcher(patterns);
  if (matcher) options.context_ignore = std::move(*matcher);
  return options;
}

const support::Diagnostic* first_of(const std::vector<support::Diagnostic>& findings, std::string_view rule) {
  const auto it = std::ranges::find_if(findings, [&](const auto& d) { return d.kind == rule; });
  return it == findings.end() ? nullptr : &*it;
}

TEST(LintRules, UndefinedVarPointsAtTheWordWithBuildKitsMessage) {
  const auto findings = run_lint(k_from + "ARG VERSION=1\nCOPY  app-${VERSON}.tar /opt/\n");
  const auto* found = first_of(findings, "UndefinedVar");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->message, "Usage of undefined variable '$VERSON' (did you mean $VERSION?)");
  EXPECT_EQ(found->where.begin.line, 3);
  EXPECT_EQ(found->where.begin.column, 7);
  EXPECT_EQ(found->where.end.column, 24);
  EXPECT_EQ(found->severity, support::Severity::warning);
  const auto plain = run_lint("FROM alpine:3.20\nUSER $APP_USER\n");
  ASSERT_NE(first_of(plain, "UndefinedVar"), nullptr);
  EXPECT_EQ(first_of(plain, "UndefinedVar")->message, "Usage of undefined variable '$APP_USER'");
}

TEST(LintRules, UndefinedVarFollowsBuildKitsScopes) {
  // An ARG without a value is declared; ENV and ARG of a base stage carry over; one ENV sees the values before it.
  EXPECT_FALSE(catches("UndefinedVar", k_from + "ARG TOKEN\nLABEL t=$TOKEN\n"));
  const std::string base_stage = "FROM " + k_from.substr(5, k_from.size() - 6) + " AS base\nENV A=1\nARG B=2\nFROM base\n";
  EXPECT_FALSE(catches("UndefinedVar", base_stage + "LABEL a=$A b=$B\n"));
  EXPECT_TRUE(catches("UndefinedVar", base_stage + "LABEL c=$Bx\n"));
  EXPECT_TRUE(catches("UndefinedVar", k_from + "ENV A=1 B=$A\n"));
  EXPECT_FALSE(catches("UndefinedVar", k_from + "ENV A=1\nENV B=$A\n"));
  // Within one ARG, a default sees the names declared before it.
  EXPECT_FALSE(catches("UndefinedVar", k_from + "ARG A=1 B=$A\n"));
  // Not the shell's variables, not a name used with a fallback, not an escaped dollar; the
  // fallback itself is expanded (as BuildKit's lexer does) and checked.
  EXPECT_FALSE(catches("UndefinedVar", k_from + "RUN echo $HOME\nCMD echo $PORT\n"));
  EXPECT_FALSE(catches("UndefinedVar", k_from + "LABEL x=${UNSET:-1} y=${UNSET2+1}\n"));
  EXPECT_TRUE(catches("UndefinedVar", k_from + "LABEL x=${UNSET:-1} y=$UNSET\n"));
  EXPECT_TRUE(catches("UndefinedVar", k_from + "ARG A=1\nLABEL x=${A:-$UNSET}\n"));
  EXPECT_FALSE(catches("UndefinedVar", k_from + "LABEL x=\\$UNSET\n"));
  // Mount options are expanded by BuildKit.
  EXPECT_TRUE(catches("UndefinedVar", k_from + "RUN --mount=type=cache,target=$CACHE_DIR true\n"));
  // Images that set their own ENV: only probable typos of the Dockerfile's names.
  EXPECT_FALSE(catches("UndefinedVar", "FROM golang:1.22\nENV PATH=$GOPATH/bin:$PATH\n"));
  EXPECT_FALSE(catches("UndefinedVar", "FROM registry.example.com/debian:12\nWORKDIR $HOME\n"));
  EXPECT_TRUE(catches("UndefinedVar", "FROM node:20\nARG APP_DIR=/app\nWORKDIR $APP_DIRR\n"));
  EXPECT_TRUE(catches("UndefinedVar", "FROM library/ubuntu:24.04\nWORKDIR $HOME\n"));
}

TEST(LintRules, CopyIgnoredFileAsBuildKit) {
  const auto findings = run_lint(k_from + "COPY src ./build/../node_modules /app/\n", with_ignore({"node_modules"}));
  const auto* found = first_of(findings, "CopyIgnoredFile");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->message, "Attempting to Copy file \"node_modules\" that is excluded by .dockerignore");
  EXPECT_EQ(found->where.begin.line, 2);
  EXPECT_EQ(found->where.begin.column, 10);
  EXPECT_EQ(found->where.end.column, 33);
  // A file inside an ignored folder; ADD says Add; a variable is expanded first.
  const auto add = run_lint(k_from + "ARG F=cache/x\nADD $F /x\n", with_ignore({"cache"}));
  ASSERT_NE(first_of(add, "CopyIgnoredFile"), nullptr);
  EXPECT_EQ(first_of(add, "CopyIgnoredFile")->message, "Attempting to Add file \"cache/x\" that is excluded by .dockerignore");
  // No check with `!` exceptions, without an ignore file, or for heredocs.
  EXPECT_FALSE(catches("CopyIgnoredFile", k_from + "COPY secrets/key.pem /etc/\n", with_ignore({"secrets", "!secrets/key.pem"})));
  EXPECT_FALSE(catches("CopyIgnoredFile", k_from + "COPY node_modules /app/\n"));
  EXPECT_FALSE(catches("CopyIgnoredFile", k_from + "COPY <<EOF /app/x.log\nhi\nEOF\n", with_ignore({"*.log"})));
  // `.` is excluded only by an ignore file that excludes everything.
  EXPECT_FALSE(catches("CopyIgnoredFile", k_from + "COPY . /app\n", with_ignore({"*.log", "node_modules"})));
  EXPECT_TRUE(catches("CopyIgnoredFile", k_from + "COPY . /app\n", with_ignore({"**"})));
}

TEST(LintRules, HeredocRunScriptsAreLinted) {
  const auto findings = run_lint(k_from + "RUN <<EOF\nset -e\nsudo true\nEOF\n");
  const auto it = std::ranges::find_if(findings, [](const auto& d) { return d.kind == "sudo"; });
  ASSERT_NE(it, findings.end());
  EXPECT_EQ(it->where.begin.line, 4);
}

} // namespace
} // namespace distill::planner::lint
