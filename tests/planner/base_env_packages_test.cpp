// Package words that read the base image's environment: which ones the
// planner defers to the lock (a plain $VAR that only a pulled base can set)
// and which stay shell, and how the lock expands them from the image's Env.

#include "planner/plan_dump.hpp"
#include "planner/plan_json.hpp"
#include "planner/planner.hpp"
#include "planner/rewrite/base_env_packages.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace distill::planner {
namespace {

Plan plan_of(const std::string& text) {
  support::DiagnosticSink sink;
  auto plan = plan_dockerfile({"Dockerfile", text}, {}, {}, sink);
  EXPECT_TRUE(plan.has_value()) << text;
  return plan ? *plan : Plan{};
}

// The ops of the last stage, one a line, then the last note's cause.
std::string last_stage(const Plan& plan) {
  std::string out;
  if (plan.stages.empty() || plan.notes.empty()) return "no plan";
  for (const Step& step : plan.stages.back().steps) out += describe_op(step.op) + "\n";
  return out + "[" + plan.notes.back().cause + "]";
}

struct Case {
  const char* name;
  const char* dockerfile;
  const char* expected;
};

const Case k_cases[] = {
    {"registry image",
     "FROM example.invalid/discourse/base:slim\n"
     "RUN apt-get -y update && apt-get -y install postgresql-${PG_MAJOR} postgresql-contrib-$PG_MAJOR curl\n",
     "InstallPackages postgresql-${PG_MAJOR} postgresql-contrib-$PG_MAJOR curl "
     "[expanded at lock from the base image's env: $PG_MAJOR]\n[]"},
    {"stage built on a registry image",
     "FROM python:3.12 AS py\nENV A=1\nFROM py\nRUN apt-get update && apt-get install -y \"python${PY}-dev\"\n",
     "InstallPackages \"\\\"python${PY}-dev\\\"\" [expanded at lock from the base image's env: $PY]\n[]"},
    {"a global ARG is not in scope",
     "ARG PG_MAJOR=15\nFROM example.invalid/pg:1\nRUN apt-get install -y postgresql-$PG_MAJOR\n",
     "InstallPackages postgresql-$PG_MAJOR [expanded at lock from the base image's env: $PG_MAJOR]\n[]"},
    // A distro base's environment is known (PATH only): PG_MAJOR is unset, the word names "postgresql-".
    {"distro base",
     "FROM debian:bookworm\nRUN apt-get update && apt-get install -y postgresql-${PG_MAJOR}\n",
     "Run \"apt-get update && apt-get install -y postgresql-${PG_MAJOR}\"\n[remove-by-install]"},
    {"stage built on a distro base",
     "FROM debian:bookworm AS base\nFROM base\nRUN apt-get update && apt-get install -y $TOOLS curl\n",
     "InstallPackages curl\n[]"},
    {"default operator",
     "FROM example.invalid/pg:1\nRUN apt-get install -y postgresql-${PG_MAJOR:-15}\n",
     "Run \"apt-get install -y postgresql-${PG_MAJOR:-15}\"\n[variable-package-list]"},
    {"ARG without a value",
     "FROM example.invalid/pg:1\nARG PG_MAJOR\nRUN apt-get install -y postgresql-$PG_MAJOR\n",
     "Run \"apt-get install -y postgresql-$PG_MAJOR\"\n[variable-package-list]"},
    {"assigned by the script",
     "FROM example.invalid/pg:1\nRUN set -e; V=\"$(cat /v)\"; apt-get install -y postgresql-$V\n",
     "Run \"set -e; V=\\\"$(cat /v)\\\"; apt-get install -y postgresql-$V\"\n[variable-package-list]"},
    {"unset by the script",
     "FROM example.invalid/pg:1\nRUN set -e; unset V; apt-get install -y postgresql-$V\n",
     "Run \"set -e; unset V; apt-get install -y postgresql-$V\"\n[variable-package-list]"},
    {"after sourcing a file",
     "FROM example.invalid/pg:1\nRUN set -e; . /etc/os-release; apt-get install -y tool-$VERSION_ID\n",
     "Run \"set -e; . /etc/os-release; apt-get install -y tool-$VERSION_ID\"\n[variable-package-list]"},
    {"shell special",
     "FROM example.invalid/pg:1\nRUN apt-get install -y tool-$HOSTNAME\n",
     "Run \"apt-get install -y tool-$HOSTNAME\"\n[variable-package-list]"},
    {"positional parameter",
     "FROM example.invalid/pg:1\nRUN apt-get install -y tool-$1\n",
     "Run \"apt-get install -y tool-$1\"\n[variable-package-list]"},
    {"pattern",
     "FROM example.invalid/pg:1\nRUN apt-get install -y postgresql-$V*\n",
     "Run \"apt-get install -y postgresql-$V*\"\n[variable-package-list]"},
    {"local file",
     "FROM example.invalid/pg:1\nRUN apt-get install -y /tmp/$DEB\n",
     "Run \"apt-get install -y /tmp/$DEB\"\n[variable-package-list]"},
    {"command substitution",
     "FROM example.invalid/pg:1\nRUN apt-get install -y $(cat /list)\n",
     "Run \"apt-get install -y $(cat /list)\"\n[substitution-package-list]"},
};

TEST(BaseEnvWords, QualifyOnlyWhenThePulledBaseAloneCanSetThem) {
  for (const Case& c : k_cases) {
    EXPECT_EQ(last_stage(plan_of(c.dockerfile)), c.expected) << c.name << ":\n" << c.dockerfile;
  }
}

TEST(BaseEnvWords, KeepTheDockerfileValuesTheyReadAndSayWhyInTheNote) {
  const Plan plan = plan_of("FROM example.invalid/pg:1\nENV SUFFIX=contrib\n"
                            "RUN apt-get install -y postgresql-$SUFFIX-$PG_MAJOR\n");
  ASSERT_EQ(plan.stages.size(), 1u);
  ASSERT_FALSE(plan.stages[0].steps.empty());
  const auto& op = std::get<InstallPackages>(plan.stages[0].steps.back().op);
  ASSERT_EQ(op.packages.size(), 1u);
  ASSERT_TRUE(op.packages[0].from_base_env);
  const BaseEnvWord& word = *op.packages[0].from_base_env;
  EXPECT_EQ(word.word, "postgresql-$SUFFIX-$PG_MAJOR");
  EXPECT_EQ(word.names, std::vector<std::string>{"PG_MAJOR"});
  EXPECT_EQ(word.values, (EnvList{{"SUFFIX", "contrib"}}));
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_EQ(plan.notes[0].outcome, RewriteNote::Outcome::full);
  EXPECT_EQ(plan.notes[0].installs_rewritten, 1);
  ASSERT_EQ(plan.notes[0].findings.size(), 1u);
  EXPECT_NE(plan.notes[0].findings[0].find("reads $PG_MAJOR from the base image's environment"), std::string::npos)
      << plan.notes[0].findings[0];

  const nlohmann::json json = nlohmann::json::parse(plan_to_json(plan));
  const auto& entry = json["stages"][0]["ops"].back()["packages"][0];
  EXPECT_EQ(entry["name"], "");
  EXPECT_EQ(entry["from_base_env"]["word"], "postgresql-$SUFFIX-$PG_MAJOR");
  EXPECT_EQ(entry["from_base_env"]["names"], nlohmann::json::array({"PG_MAJOR"}));
  EXPECT_EQ(entry["from_base_env"]["values"][0]["value"], "contrib");
}

PackageRequest deferred(std::string word, std::vector<std::string> names, EnvList values = {}) {
  PackageRequest request;
  request.from_base_env = BaseEnvWord{std::move(word), std::move(names), std::move(values)};
  return request;
}

PackageRequest named(std::string name) {
  PackageRequest request;
  request.name = std::move(name);
  return request;
}

std::string names_of(const std::vector<PackageRequest>& requests) {
  std::string out;
  for (const PackageRequest& request : requests) {
    out += (out.empty() ? "" : " ") + request.name + (request.version.empty() ? "" : "=" + request.version);
  }
  return out;
}

TEST(BaseEnvWords, ExpandAsTheShellWouldInTheirPlace) {
  const std::vector<PackageRequest> packages = {
      named("curl"), deferred("postgresql-${PG_MAJOR}", {"PG_MAJOR"}), deferred("$TOOLS", {"TOOLS"}),
      deferred("tool=$V-$REV", {"REV"}, {{"V", "1.2"}}), named("git")};
  const std::vector<std::string> env = {"PATH=/usr/bin", "PG_MAJOR=13", "TOOLS= jq  less ", "REV=3", "PG_MAJOR=15"};
  auto expanded = rewrite::expand_base_env_packages(packages, env, "pg:1 (FROM on line 1)");
  ASSERT_TRUE(expanded) << expanded.error().message;
  // A later Env entry wins; an unquoted value splits on whitespace.
  EXPECT_EQ(names_of(*expanded), "curl postgresql-15 jq less tool=1.2-3 git");
  EXPECT_FALSE(rewrite::reads_base_env(*expanded));
  EXPECT_TRUE(rewrite::reads_base_env(packages));
}

TEST(BaseEnvWords, AnEmptyUnquotedValueGivesNoRequest) {
  auto expanded = rewrite::expand_base_env_packages({deferred("$EXTRA", {"EXTRA"})}, {"EXTRA="}, "x:1");
  ASSERT_TRUE(expanded) << expanded.error().message;
  EXPECT_TRUE(expanded->empty());
}

TEST(BaseEnvWords, AQuotedValueStaysOneWord) {
  auto expanded = rewrite::expand_base_env_packages({deferred("\"$TOOLS\"", {"TOOLS"})}, {"TOOLS=jq less"}, "x:1");
  ASSERT_FALSE(expanded);
  EXPECT_NE(expanded.error().message.find("'jq less' is not a package name"), std::string::npos)
      << expanded.error().message;
}

TEST(BaseEnvWords, AVariableTheImageDoesNotSetIsAnError) {
  auto expanded = rewrite::expand_base_env_packages({deferred("postgresql-${PG_MAJOR}", {"PG_MAJOR"})},
                                                    {"PATH=/usr/bin"}, "discourse/base:slim (FROM on line 3)");
  ASSERT_FALSE(expanded);
  const std::string& message = expanded.error().message;
  EXPECT_NE(message.find("reads $PG_MAJOR in 'postgresql-${PG_MAJOR}'"), std::string::npos) << message;
  EXPECT_NE(message.find("discourse/base:slim (FROM on line 3) does not set it"), std::string::npos) << message;
  EXPECT_NE(message.find("set it with ENV"), std::string::npos) << message;
}

TEST(BaseEnvWords, AValueThatNamesNoPackageIsAnError) {
  auto expanded = rewrite::expand_base_env_packages({deferred("postgresql-$V", {"V"})}, {"V="}, "x:1");
  ASSERT_FALSE(expanded);
  EXPECT_NE(expanded.error().message.find("'postgresql-' asks install to remove a package"), std::string::npos)
      << expanded.error().message;
}

} // namespace
} // namespace distill::planner
