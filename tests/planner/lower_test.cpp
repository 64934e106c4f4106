// Lowering pieces that the golden plans do not pin down one by one: base
// detection, history text, source maps, the JSON form.

#include "planner/history.hpp"
#include "planner/lower_base.hpp"
#include "planner/plan_dump.hpp"
#include "planner/plan_json.hpp"
#include "planner/planner.hpp"
#include "planner/script_map.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace distill::planner {
namespace {

struct BaseCase {
  const char* reference;
  const char* expected;
};

const BaseCase k_bases[] = {
    {"debian:bookworm", "debian:bookworm (distro debian bookworm 12)"},
    {"debian:bookworm-slim", "debian:bookworm-slim (distro debian bookworm 12, slim)"},
    {"debian:12", "debian:12 (distro debian bookworm 12)"},
    {"debian:12.8-slim", "debian:12.8-slim (distro debian bookworm 12.8, slim)"},
    {"debian:11", "debian:11 (distro debian bullseye 11)"},
    {"debian:13", "debian:13 (distro debian trixie 13)"},
    {"debian:14", "debian:14 (distro debian forky 14)"},
    {"debian:trixie-20250811-slim", "debian:trixie-20250811-slim (distro debian trixie 13, slim, serial 20250811)"},
    {"debian", "debian (distro debian stable, moving)"},
    {"debian:latest", "debian:latest (distro debian stable, moving)"},
    {"debian:stable-slim", "debian:stable-slim (distro debian stable, slim, moving)"},
    {"debian:testing", "debian:testing (distro debian testing, moving)"},
    {"debian:unstable", "debian:unstable (distro debian sid, moving)"},
    {"library/debian:sid-slim", "library/debian:sid-slim (distro debian sid, slim, moving)"},
    {"ubuntu:24.04", "ubuntu:24.04 (distro ubuntu noble 24.04)"},
    {"ubuntu:noble", "ubuntu:noble (distro ubuntu noble 24.04)"},
    {"ubuntu:20.04", "ubuntu:20.04 (distro ubuntu focal 20.04)"},
    {"ubuntu:25.10", "ubuntu:25.10 (distro ubuntu questing 25.10)"},
    {"ubuntu:jammy-20240911", "ubuntu:jammy-20240911 (distro ubuntu jammy 22.04, serial 20240911)"},
    {"ubuntu:latest", "ubuntu:latest (image)"},
    {"debian:bookworm-backports", "debian:bookworm-backports (image)"},
    {"debian:bookworm@sha256:abc", "debian:bookworm@sha256:abc (image sha256:abc)"},
    {"registry.example.invalid/debian:12", "registry.example.invalid/debian:12 (image)"},
    {"someone/debian:12", "someone/debian:12 (image)"},
    {"python:3.13-slim", "python:3.13-slim (image)"},
    {"oci-layout:///srv/layouts/base:v1", "oci-layout:///srv/layouts/base:v1 (layout)"},
};

TEST(LowerBase, Classifies) {
  Plan plan;
  for (const BaseCase& row : k_bases) {
    Base base;
    base.kind = image_base(row.reference);
    EXPECT_EQ(describe_base(base, plan), row.expected) << row.reference;
  }
  const auto layout = std::get<LayoutBase>(image_base("oci-layout:///srv/layouts/base:v1"));
  EXPECT_EQ(layout.path, "/srv/layouts/base");
  EXPECT_EQ(layout.tag, "v1");
}

TEST(History, BuildKitText) {
  EXPECT_EQ(run_history({"/bin/sh", "-c", "make"}, {}), "RUN /bin/sh -c make # buildkit");
  EXPECT_EQ(run_history({"/bin/sh", "-c", "make"}, {"A=1", "B="}), "RUN |2 A=1 B= /bin/sh -c make # buildkit");
  EXPECT_EQ(go_quoted_list({"nginx", "-g", "daemon off;"}), "[\"nginx\" \"-g\" \"daemon off;\"]");
  EXPECT_EQ(go_list({"80/tcp", "443/tcp"}), "[80/tcp 443/tcp]");
  Copy copy;
  copy.sources = {"a", "b"};
  copy.dest = "/app/";
  copy.chown = "app";
  copy.inline_files = {{"EOF", "x"}};
  EXPECT_EQ(copy_history(copy, "0755"), "COPY --chown=app --chmod=0755 a b <<EOF /app/ # buildkit");
  EXPECT_EQ(go_duration(0), "0s");
  EXPECT_EQ(go_duration(30'000'000'000), "30s");
  EXPECT_EQ(go_duration(90'000'000'000), "1m30s");
  EXPECT_EQ(go_duration(3'600'000'000'000), "1h0m0s");
  EXPECT_EQ(go_duration(1'500'000'000), "1.5s");
  EXPECT_EQ(go_duration(500'000'000), "500ms");
  Healthcheck health;
  health.test = {"CMD-SHELL", "true"};
  health.interval_ns = 30'000'000'000;
  health.retries = 3;
  EXPECT_EQ(healthcheck_history(health), "HEALTHCHECK &{[\"CMD-SHELL\" \"true\"] \"30s\" \"0s\" \"0s\" \"0s\" '\\x03'}");
}

TEST(ScriptMap, FollowsContinuationsAndCommentLines) {
  const support::SourceFile file{"Dockerfile", "FROM x\nRUN a && \\\n# note\n    b && \\\n  c\n"};
  const std::size_t start = file.text.find("a &&");
  const std::string script = "a &&     b &&   c";
  const ScriptMap map(file, start, script, '\\', {});
  const support::SourceRange b = map.range(script.find('b'), script.find('b') + 1);
  EXPECT_EQ(b.begin.line, 4);
  EXPECT_EQ(b.begin.column, 5);
  const support::SourceRange c = map.range(script.find('c'), script.size());
  EXPECT_EQ(c.begin.line, 5);
  EXPECT_EQ(c.end.column, 4);
  const support::SourceRange all = map.range(0, script.size());
  EXPECT_EQ(all.begin.line, 2);
  EXPECT_EQ(all.end.line, 5);
}

TEST(ScriptMap, FallsBackWhenTextsDiffer) {
  const support::SourceFile file{"Dockerfile", "RUN abc\n"};
  const support::SourceRange fallback{{1, 1, 0}, {1, 8, 7}};
  const ScriptMap map(file, 4, "xyz", '\\', fallback);
  EXPECT_EQ(map.range(0, 3), fallback);
}

Plan plan_of(const std::string& text, PlanOptions options = {}) {
  support::DiagnosticSink sink;
  auto plan = plan_dockerfile({"Dockerfile", text}, {}, options, sink);
  EXPECT_TRUE(plan.has_value());
  return plan ? *plan : Plan{};
}

TEST(Lower, SplitOpsPointAtTheirOwnLines) {
  const Plan plan = plan_of("FROM debian:bookworm\nRUN set -eux; \\\n    apt-get update; \\\n"
                            "    apt-get install -y curl; \\\n    curl --version\n");
  ASSERT_EQ(plan.stages.size(), 1u);
  const auto& steps = plan.stages[0].steps;
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(std::get<InstallPackages>(steps[0].op).where.front().begin.line, 4);
  EXPECT_EQ(std::get<planner::Run>(steps[1].op).where.front().begin.line, 5);
  EXPECT_EQ(steps[0].created_by,
            "RUN /bin/sh -c set -eux;     apt-get update;     apt-get install -y curl;     curl --version # buildkit");
}

TEST(Lower, BeforeKeepsRunsAsWritten) {
  const Plan plan = plan_of("FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n", {false});
  ASSERT_EQ(plan.stages[0].steps.size(), 1u);
  EXPECT_EQ(std::get<planner::Run>(plan.stages[0].steps[0].op).script, "apt-get update && apt-get install -y curl");
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_EQ(plan.notes[0].outcome, RewriteNote::Outcome::kept);
}

TEST(Lower, RunCarriesEnvUserWorkdirAndBuildArgs) {
  const Plan plan = plan_of("FROM debian:bookworm\nARG V=1\nENV A=b\nUSER app\nWORKDIR /w\nRUN make\n");
  const auto& run = std::get<planner::Run>(plan.stages[0].steps.back().op);
  EXPECT_EQ(run.user, "app");
  EXPECT_EQ(run.workdir, "/w");
  // The base's PATH comes first, as in the debian image's config.
  ASSERT_EQ(run.env.size(), 3u);
  EXPECT_EQ(run.env[0].first, "PATH");
  EXPECT_EQ(run.env[1], (std::pair<std::string, std::string>{"A", "b"}));
  EXPECT_EQ(run.env[2], (std::pair<std::string, std::string>{"V", "1"}));
  EXPECT_EQ(run.build_args, std::vector<std::string>{"V"});
  EXPECT_EQ(plan.stages[0].steps.back().created_by, "RUN |1 V=1 /bin/sh -c make # buildkit");
}

TEST(PlanJson, OpsNameTheirKindAndLine) {
  const Plan plan = plan_of("FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\nEXPOSE 80\n");
  const nlohmann::json json = nlohmann::json::parse(plan_to_json(plan));
  EXPECT_EQ(json["version"], 1);
  const auto& ops = json["stages"][0]["ops"];
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0]["op"], "InstallPackages");
  EXPECT_EQ(ops[0]["line"], 2);
  EXPECT_EQ(ops[0]["packages"][0]["name"], "curl");
  EXPECT_EQ(ops[1]["op"], "Expose");
  EXPECT_EQ(ops[1]["ports"][0], "80/tcp");
  EXPECT_EQ(ops[1]["created_by"], "EXPOSE [80/tcp]");
  EXPECT_EQ(json["stages"][0]["base"]["kind"], "distro");
  EXPECT_EQ(json["summary"]["full"], 1);
  EXPECT_EQ(json["notes"][0]["outcome"], "full");
}

} // namespace
} // namespace distill::planner
