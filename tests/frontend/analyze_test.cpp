// analyze(): ARG/ENV scope, --build-arg, predefined ARGs, FROM expansion, the
// stage graph (--target, cycles, order) and the JSON view.

#include "frontend/analysis_json.hpp"
#include "frontend/analyze.hpp"
#include "typed_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

using namespace distill::frontend;
using namespace distill::frontend::testing_support;
using distill::support::DiagnosticSink;
using distill::support::Severity;

Instruction from(std::string base, std::string name = {}, std::vector<std::string> flags = {}) {
  std::vector<std::string> args = {std::move(base)};
  if (!name.empty()) {
    args.push_back("AS");
    args.push_back(std::move(name));
  }
  return instruction("FROM", std::move(flags), std::move(args));
}

Instruction arg(std::vector<std::string> words) { return instruction("ARG", {}, std::move(words)); }
Instruction env(std::vector<std::pair<std::string, std::string>> pairs) { return key_values("ENV", std::move(pairs)); }
Instruction copy_from(std::string from) { return instruction("COPY", {"--from=" + from}, {"/a", "/b"}); }
Instruction run(std::vector<std::string> flags = {}) { return instruction("RUN", std::move(flags), {"true"}); }

struct Analysis {
  Build build;
  DiagnosticSink sink;

  std::vector<std::string> errors() const {
    std::vector<std::string> out;
    for (const auto& d : sink.diagnostics()) {
      if (d.severity == Severity::error) out.push_back(d.message);
    }
    return out;
  }
  std::vector<std::string> warnings() const {
    std::vector<std::string> out;
    for (const auto& d : sink.diagnostics()) {
      if (d.severity == Severity::warning) out.push_back(d.message);
    }
    return out;
  }
};

Analysis analyze_nodes(std::vector<Instruction> nodes, BuildOptions options = {}) {
  Analysis out;
  out.build = analyze(document(std::move(nodes)), options, out.sink);
  return out;
}

std::optional<std::string> env_value(const EnvList& list, std::string_view key) {
  for (const auto& [k, v] : list) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::optional<std::optional<std::string>> arg_value(const std::vector<ArgValue>& args, std::string_view name) {
  for (const auto& a : args) {
    if (a.name == name) return a.value;
  }
  return std::nullopt;
}

TEST(AnalyzeArgs, GlobalArgsOnlyVisibleInFromUntilRedeclared) {
  std::vector<Instruction> nodes;
  nodes.push_back(arg({"V=1"}));
  nodes.push_back(from("img:$V", "one"));
  nodes.push_back(env({{"X", "[$V]"}}));
  nodes.push_back(from("img"));
  nodes.push_back(arg({"V"}));
  nodes.push_back(env({{"Y", "[$V]"}}));
  auto a = analyze_nodes(std::move(nodes));
  EXPECT_TRUE(a.errors().empty());
  ASSERT_EQ(a.build.stages.size(), 2u);
  EXPECT_EQ(a.build.stages[0].base_name, "img:1");
  EXPECT_EQ(a.build.stages[0].base_as_written, "img:$V");
  EXPECT_EQ(env_value(a.build.stages[0].env, "X"), "[]");
  EXPECT_EQ(env_value(a.build.stages[1].env, "Y"), "[1]");
  EXPECT_EQ(arg_value(a.build.stages[1].args, "V"), std::optional<std::string>("1"));
}

TEST(AnalyzeArgs, GlobalRedeclarationAndChaining) {
  std::vector<Instruction> nodes;
  nodes.push_back(arg({"A=x", "B=${A}y"}));
  nodes.push_back(arg({"A=z"}));
  nodes.push_back(arg({"A"})); // no default: keeps z
  nodes.push_back(from("img:$A-$B"));
  auto a = analyze_nodes(std::move(nodes));
  EXPECT_TRUE(a.errors().empty());
  EXPECT_EQ(a.build.stages[0].base_name, "img:z-xy");
  ASSERT_EQ(a.build.global_arg_commands.size(), 3u);
  EXPECT_EQ(a.build.global_arg_commands[0].args[1].default_value->value, "xy");
}

TEST(AnalyzeArgs, BuildArgOverridesDefaultsAndUndeclaredStayHidden) {
  std::vector<Instruction> nodes;
  nodes.push_back(arg({"TAG=1"}));
  nodes.push_back(from("img:$TAG"));
  nodes.push_back(arg({"MODE=debug", "TAG"}));
  nodes.push_back(env({{"M", "$MODE"}, {"U", "[$UNDECLARED]"}, {"T", "$TAG"}}));
  BuildOptions options;
  options.build_args = {{"TAG", "2"}, {"MODE", "release"}, {"UNDECLARED", "x"}};
  auto a = analyze_nodes(std::move(nodes), options);
  EXPECT_TRUE(a.errors().empty());
  EXPECT_EQ(a.build.stages[0].base_name, "img:2");
  EXPECT_EQ(env_value(a.build.stages[0].env, "M"), "release");
  EXPECT_EQ(env_value(a.build.stages[0].env, "U"), "[]");
  EXPECT_EQ(env_value(a.build.stages[0].env, "T"), "2");
}

TEST(AnalyzeArgs, BuildArgSkipsABrokenDefault) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("img"));
  nodes.push_back(arg({"X=${oops"}));
  BuildOptions options;
  options.build_args = {{"X", "fine"}};
  auto a = analyze_nodes(std::move(nodes), options);
  EXPECT_TRUE(a.errors().empty());
  auto broken = analyze_nodes([] {
    std::vector<Instruction> n;
    n.push_back(from("img"));
    n.push_back(arg({"X=${oops:-x"}));
    return n;
  }());
  EXPECT_EQ(broken.errors(), (std::vector<std::string>{"failed to process \"${oops:-x\": syntax error: missing '}'"}));
}

TEST(AnalyzeArgs, PredefinedPlatformArgs) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("img", "", {"--platform=$BUILDPLATFORM"}));
  nodes.push_back(env({{"BEFORE", "[$TARGETARCH]"}}));
  nodes.push_back(arg({"TARGETARCH", "TARGETPLATFORM", "TARGETVARIANT", "BUILDOS"}));
  nodes.push_back(env({{"AFTER", "$TARGETARCH $TARGETPLATFORM [$TARGETVARIANT] $BUILDOS"}}));
  BuildOptions options;
  options.target_platform = "linux/arm";
  auto a = analyze_nodes(std::move(nodes), options);
  EXPECT_TRUE(a.errors().empty());
  const Stage& stage = a.build.stages[0];
  EXPECT_EQ(stage.platform, "linux/amd64");
  EXPECT_EQ(env_value(stage.env, "BEFORE"), "[]");
  EXPECT_EQ(env_value(stage.env, "AFTER"), "arm linux/arm/v7 [v7] linux");
  auto defaults = analyze_nodes([] {
    std::vector<Instruction> n;
    n.push_back(from("img"));
    n.push_back(arg({"TARGETPLATFORM", "TARGETSTAGE"}));
    return n;
  }());
  EXPECT_EQ(arg_value(defaults.build.stages[0].args, "TARGETPLATFORM"), std::optional<std::string>("linux/amd64"));
  EXPECT_EQ(arg_value(defaults.build.stages[0].args, "TARGETSTAGE"), std::optional<std::string>("default"));
}

TEST(AnalyzeArgs, BuildArgReplacesPredefined) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("img:$TARGETARCH"));
  BuildOptions options;
  options.build_args = {{"TARGETARCH", "riscv64"}};
  auto a = analyze_nodes(std::move(nodes), options);
  EXPECT_EQ(a.build.stages[0].base_name, "img:riscv64");
}

TEST(AnalyzeEnv, ReferencesSeeValuesFromBeforeTheInstruction) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("scratch"));
  nodes.push_back(env({{"A", "1"}}));
  nodes.push_back(env({{"A", "2"}, {"B", "$A"}}));
  nodes.push_back(env({{"PATH", "/opt:$PATH"}}));
  auto a = analyze_nodes(std::move(nodes));
  const Stage& stage = a.build.stages[0];
  EXPECT_EQ(env_value(stage.env, "A"), "2");
  EXPECT_EQ(env_value(stage.env, "B"), "1");
  EXPECT_EQ(env_value(stage.env, "PATH"), "/opt:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  // The ENV in effect after each step.
  ASSERT_EQ(stage.steps.size(), 3u);
  EXPECT_EQ(env_value(stage.steps[0].env, "A"), "1");
  EXPECT_EQ(env_value(stage.steps[0].env, "B"), std::nullopt);
  EXPECT_EQ(env_value(stage.steps[1].env, "B"), "1");
}

TEST(AnalyzeEnv, EnvWinsOverArg) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("img"));
  nodes.push_back(env({{"X", "env"}}));
  nodes.push_back(arg({"X=arg", "Y=$X"}));
  nodes.push_back(env({{"Z", "$X"}}));
  auto a = analyze_nodes(std::move(nodes));
  EXPECT_EQ(env_value(a.build.stages[0].env, "Z"), "env");
  EXPECT_EQ(arg_value(a.build.stages[0].args, "Y"), std::optional<std::string>("env"));
}

TEST(AnalyzeEnv, ChildStageInheritsEnvArgsAndWorkdir) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("img", "base"));
  nodes.push_back(arg({"V=1"}));
  nodes.push_back(env({{"E", "e"}}));
  nodes.push_back(instruction("WORKDIR", {}, {"/app"}));
  nodes.push_back(from("base"));
  nodes.push_back(instruction("WORKDIR", {}, {"sub"}));
  nodes.push_back(env({{"F", "$V$E"}}));
  auto a = analyze_nodes(std::move(nodes));
  const Stage& child = a.build.stages[1];
  EXPECT_EQ(child.base_kind, BaseKind::stage);
  EXPECT_EQ(child.base_stage, 0);
  EXPECT_EQ(env_value(child.env, "F"), "1e");
  EXPECT_EQ(child.workdir, "/app/sub");
}

TEST(AnalyzeExpansion, PerInstructionRules) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("img"));
  nodes.push_back(env({{"D", "/data"}, {"P", "80 443/udp"}, {"U", "app"}}));
  nodes.push_back(instruction("COPY", {"--from=$D", "--chown=$U"}, {"$D/x", "$D/"}));
  nodes.push_back(instruction("COPY", {"--chown=$U:$U", "--chmod=0$U", "--exclude=$D"}, {"$D/x", "$D/"}));
  nodes.push_back(instruction("EXPOSE", {}, {"$P", "8080"}));
  nodes.push_back(instruction("USER", {}, {"$U"}));
  nodes.push_back(instruction("WORKDIR", {}, {"$D"}));
  nodes.push_back(instruction("RUN", {"--mount=type=cache,target=$D/cache,from=x"}, {"echo $D"}));
  nodes.push_back(instruction("CMD", {}, {"echo $D"}));
  auto a = analyze_nodes(std::move(nodes));
  // COPY --from never expands.
  ASSERT_EQ(a.errors().size(), 1u);
  EXPECT_EQ(a.errors()[0],
            "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope "
            "as a workaround");
  const auto& steps = a.build.stages[0].steps;
  const auto& copy = std::get<CopyCommand>(steps[2].command);
  EXPECT_EQ(copy.files.sources[0].value, "/data/x");
  EXPECT_EQ(copy.files.dest.value, "/data/");
  EXPECT_EQ(copy.chown->value, "app:app");
  EXPECT_EQ(copy.chmod->value, "0app");
  EXPECT_EQ(copy.excludes[0].value, "$D");
  const auto& expose = std::get<ExposeCommand>(steps[3].command);
  EXPECT_EQ(expose.expanded_ports, (std::vector<std::string>{"80", "443/udp", "8080"}));
  EXPECT_EQ(std::get<UserCommand>(steps[4].command).user.value, "app");
  EXPECT_EQ(steps[5].workdir, "/data");
  const auto& run_step = std::get<RunCommand>(steps[6].command);
  EXPECT_EQ(run_step.command.args[0].value, "echo $D");
  EXPECT_EQ(run_step.mounts[0].target, "/data/cache");
  EXPECT_EQ(run_step.mounts[0].from, "x");
  EXPECT_EQ(std::get<CmdCommand>(steps[7].command).command.args[0].value, "echo $D");
}

TEST(AnalyzeExpansion, StopSignalAndExposeValues) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("img"));
  nodes.push_back(env({{"S", "SIGQUIT"}, {"P", "8080-8081 53/UDP"}}));
  nodes.push_back(instruction("STOPSIGNAL", {}, {"$S"}));
  nodes.push_back(instruction("EXPOSE", {}, {"$P", "8080"}));
  nodes.push_back(instruction("STOPSIGNAL", {}, {"SIGNOPE"}));
  nodes.push_back(instruction("EXPOSE", {}, {"80/xyz"}));
  auto a = analyze_nodes(std::move(nodes));
  const auto& steps = a.build.stages[0].steps;
  EXPECT_EQ(std::get<StopsignalCommand>(steps[1].command).number, 3);
  EXPECT_EQ(std::get<ExposeCommand>(steps[2].command).normalized_ports,
            (std::vector<std::string>{"8080/tcp", "8081/tcp", "53/udp"}));
  EXPECT_EQ(a.errors(), (std::vector<std::string>{"invalid signal: SIGNOPE", "invalid proto: xyz"}));
}

TEST(AnalyzeExpansion, MountTargetsResolveAgainstWorkdir) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("img"));
  nodes.push_back(instruction("WORKDIR", {}, {"/a"}));
  nodes.push_back(instruction("WORKDIR", {}, {"b/../c"}));
  nodes.push_back(run({"--mount=type=cache,target=cache", "--mount=type=ssh", "--mount=type=ssh"}));
  nodes.push_back(run({"--mount=type=bind,target=/"}));
  auto a = analyze_nodes(std::move(nodes));
  const auto& mounts = std::get<RunCommand>(a.build.stages[0].steps[2].command).mounts;
  EXPECT_EQ(mounts[0].target, "/a/c/cache");
  EXPECT_EQ(mounts[0].id, "cache");
  EXPECT_EQ(mounts[1].target, "/run/buildkit/ssh_agent.0");
  EXPECT_EQ(mounts[2].target, "/run/buildkit/ssh_agent.1");
  EXPECT_EQ(a.errors(), (std::vector<std::string>{"invalid mount target \"/\""}));
}

TEST(AnalyzeExpansion, CopyHeredocBodiesExpandWithoutQuotes) {
  auto node = instruction("COPY", {}, {"<<EOF", "<<'RAW'", "/d/"});
  node.heredocs.push_back(Heredoc{"EOF", "$A \\$A '$A'\n", true, false, -1, {}, {}});
  node.heredocs.push_back(Heredoc{"RAW", "$A\n", false, false, -1, {}, {}});
  std::vector<Instruction> nodes;
  nodes.push_back(from("img"));
  nodes.push_back(env({{"A", "1"}}));
  nodes.push_back(std::move(node));
  auto a = analyze_nodes(std::move(nodes));
  const auto& copy = std::get<CopyCommand>(a.build.stages[0].steps[1].command);
  ASSERT_EQ(copy.files.inline_sources.size(), 2u);
  EXPECT_EQ(copy.files.inline_sources[0].content, "1 $A '1'\n");
  EXPECT_EQ(copy.files.inline_sources[1].content, "$A\n");
}

TEST(AnalyzeFrom, BlankBaseAndPlatformErrors) {
  auto blank = analyze_nodes([] {
    std::vector<Instruction> n;
    n.push_back(arg({"E"}));
    n.push_back(from("$E"));
    return n;
  }());
  EXPECT_EQ(blank.errors(), (std::vector<std::string>{"base name ($E) should not be blank"}));
  auto platform = analyze_nodes([] {
    std::vector<Instruction> n;
    n.push_back(from("img", "", {"--platform=$NOPE"}));
    n.push_back(from("img", "", {"--platform=linux/Amd64!"}));
    return n;
  }());
  EXPECT_EQ(platform.errors(),
            (std::vector<std::string>{"empty platform value from expression $NOPE",
                                      "failed to parse platform linux/Amd64!: \"linux/Amd64!\": unknown operating "
                                      "system or architecture: invalid argument"}));
}

TEST(AnalyzeFrom, NoBuildStageBeforeFrom) {
  std::vector<Instruction> nodes;
  nodes.push_back(arg({"OK=1"}));
  nodes.push_back(run());
  nodes.push_back(from("img"));
  auto a = analyze_nodes(std::move(nodes));
  EXPECT_EQ(a.errors(), (std::vector<std::string>{"no build stage in current context"}));
  EXPECT_EQ(a.sink.diagnostics()[0].where.begin.line, 2);
}

TEST(AnalyzeGraph, StageNamesAreCaseInsensitiveForFromButExactForBases) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("img", "Base"));
  nodes.push_back(from("Base"));          // an image reference, not the stage
  nodes.push_back(from("base"));          // the stage
  nodes.push_back(copy_from("BASE"));     // --from is case-insensitive
  nodes.push_back(copy_from("0"));        // by index
  nodes.push_back(copy_from("alpine:3")); // an image
  auto a = analyze_nodes(std::move(nodes));
  // As an image reference, "Base" is invalid (BuildKit checks every stage's base).
  EXPECT_EQ(a.errors(), (std::vector<std::string>{"failed to parse stage name \"Base\": invalid reference format: "
                                                  "repository name (Base) must be lowercase"}));
  EXPECT_EQ(a.build.stages[0].name, "base");
  EXPECT_EQ(a.build.stages[1].base_kind, BaseKind::image);
  EXPECT_EQ(a.build.stages[2].base_kind, BaseKind::stage);
  const auto& steps = a.build.stages[2].steps;
  EXPECT_EQ(std::get<CopyCommand>(steps[0].command).from_stage, 0);
  EXPECT_EQ(std::get<CopyCommand>(steps[1].command).from_stage, 0);
  EXPECT_EQ(std::get<CopyCommand>(steps[2].command).from_stage, -1);
  EXPECT_EQ(a.build.stages[2].depends_on, (std::vector<int>{0}));
}

TEST(AnalyzeGraph, DuplicateNamesLaterWins) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("a", "x"));
  nodes.push_back(from("b", "x"));
  nodes.push_back(from("x"));
  nodes.push_back(copy_from("x"));
  auto a = analyze_nodes(std::move(nodes));
  EXPECT_TRUE(a.errors().empty());
  EXPECT_EQ(a.build.stages[2].base_stage, 1);
  EXPECT_EQ(std::get<CopyCommand>(a.build.stages[2].steps[0].command).from_stage, 1);
}

TEST(AnalyzeGraph, InvalidStageIndex) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("a"));
  nodes.push_back(copy_from("5"));
  auto a = analyze_nodes(std::move(nodes));
  EXPECT_EQ(a.errors(), (std::vector<std::string>{"invalid stage index 5"}));
}

std::vector<Instruction> three_stages() {
  std::vector<Instruction> nodes;
  nodes.push_back(from("img", "build"));
  nodes.push_back(from("build", "test"));
  nodes.push_back(from("img", "prod"));
  nodes.push_back(copy_from("build"));
  return nodes;
}

TEST(AnalyzeGraph, TargetReachability) {
  auto by_default = analyze_nodes(three_stages());
  EXPECT_EQ(by_default.build.target, 2);
  EXPECT_TRUE(by_default.build.stages[0].needed);
  EXPECT_FALSE(by_default.build.stages[1].needed);
  EXPECT_TRUE(by_default.build.stages[2].needed);
  BuildOptions options;
  options.target = "TEST";
  auto test = analyze_nodes(three_stages(), options);
  EXPECT_EQ(test.build.target, 1);
  EXPECT_TRUE(test.build.stages[0].needed);
  EXPECT_TRUE(test.build.stages[1].needed);
  EXPECT_FALSE(test.build.stages[2].needed);
}

TEST(AnalyzeGraph, UnknownTarget) {
  BuildOptions options;
  options.target = "nope";
  auto a = analyze_nodes(three_stages(), options);
  EXPECT_EQ(a.errors(), (std::vector<std::string>{"target stage \"nope\" could not be found"}));
  EXPECT_EQ(a.build.target, -1);
  options.target = "buld";
  auto typo = analyze_nodes(three_stages(), options);
  EXPECT_EQ(typo.errors(), (std::vector<std::string>{"target stage \"buld\" could not be found (did you mean build?)"}));
}

TEST(AnalyzeGraph, Cycles) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("busybox", "stage0"));
  nodes.push_back(copy_from("stage2"));
  nodes.push_back(from("busybox", "stage1"));
  nodes.push_back(copy_from("stage0"));
  nodes.push_back(from("busybox", "stage2"));
  nodes.push_back(copy_from("stage1"));
  auto a = analyze_nodes(std::move(nodes));
  EXPECT_EQ(a.errors(), (std::vector<std::string>{"circular dependency detected on stage: stage0"}));
  std::vector<Instruction> self;
  self.push_back(from("busybox"));
  self.push_back(copy_from("0"));
  auto s = analyze_nodes(std::move(self));
  EXPECT_EQ(s.errors(), (std::vector<std::string>{"circular dependency detected on stage: stage-0"}));
}

TEST(AnalyzeGraph, SourceStageMustComeFirst) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("img", "a"));
  nodes.push_back(copy_from("b"));
  nodes.push_back(run({"--mount=from=b,target=/m"}));
  nodes.push_back(from("img", "b"));
  BuildOptions options;
  options.target = "a";
  auto a = analyze_nodes(std::move(nodes), options);
  EXPECT_EQ(a.errors(),
            (std::vector<std::string>{
                "cannot copy from stage \"b\", it needs to be defined before current stage \"a\"",
                "cannot mount from stage \"b\" to \"/m\", stage needs to be defined before current command"}));
}

TEST(AnalyzeGraph, ProblemsInUnneededStagesAreWarnings) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("img", "unused"));
  nodes.push_back(run({"--mount=type=cache,target=/x,size=1m"}));
  nodes.push_back(env({{"A", "${B:-x"}}));
  nodes.push_back(from("img", "final"));
  auto a = analyze_nodes(std::move(nodes));
  EXPECT_TRUE(a.errors().empty());
  EXPECT_EQ(a.warnings(), (std::vector<std::string>{"unexpected key 'size' for mount type 'cache'",
                                                    "failed to process \"${B:-x\": syntax error: missing '}'"}));
}

TEST(AnalyzeGraph, OnbuildTriggersRunInChildStages) {
  std::vector<Instruction> nodes;
  nodes.push_back(from("img", "tools"));
  nodes.push_back(from("img", "base"));
  Instruction trigger = instruction("ONBUILD", {}, {});
  trigger.onbuild = std::make_unique<Instruction>(instruction("COPY", {"--from=tools"}, {"/t", "/t"}));
  nodes.push_back(std::move(trigger));
  Instruction env_trigger = instruction("ONBUILD", {}, {});
  env_trigger.onbuild = std::make_unique<Instruction>(key_values("ENV", {{"T", "1"}}));
  nodes.push_back(std::move(env_trigger));
  nodes.push_back(from("base", "child"));
  nodes.push_back(run());
  auto a = analyze_nodes(std::move(nodes));
  EXPECT_TRUE(a.errors().empty());
  const Stage& child = a.build.stages[2];
  EXPECT_EQ(child.depends_on, (std::vector<int>{0, 1}));
  ASSERT_EQ(child.steps.size(), 3u);
  EXPECT_TRUE(child.steps[0].onbuild_trigger);
  EXPECT_EQ(std::get<CopyCommand>(child.steps[0].command).from_stage, 0);
  EXPECT_FALSE(child.steps[2].onbuild_trigger);
  EXPECT_EQ(env_value(child.env, "T"), "1");
  EXPECT_TRUE(a.build.stages[0].needed);
}

TEST(AnalysisJson, DescribesStages) {
  std::vector<Instruction> nodes;
  nodes.push_back(arg({"BASE=debian"}));
  nodes.push_back(from("$BASE:12", "Build", {"--platform=$BUILDPLATFORM"}));
  nodes.push_back(arg({"V=1"}));
  nodes.push_back(env({{"E", "x$V"}}));
  nodes.push_back(from("scratch"));
  nodes.push_back(copy_from("build"));
  BuildOptions options;
  options.build_args = {{"V", "2"}};
  auto a = analyze_nodes(std::move(nodes), options);
  const auto json = nlohmann::json::parse(analysis_to_json(a.build));
  EXPECT_EQ(json["target"], 1);
  EXPECT_EQ(json["build_args"]["V"], "2");
  ASSERT_EQ(json["stages"].size(), 2u);
  const auto& stage = json["stages"][0];
  EXPECT_EQ(stage["name"], "build");
  EXPECT_EQ(stage["index"], 0);
  EXPECT_EQ(stage["base"]["written"], "$BASE:12");
  EXPECT_EQ(stage["base"]["expanded"], "debian:12");
  EXPECT_EQ(stage["platform"]["written"], "$BUILDPLATFORM");
  EXPECT_EQ(stage["platform"]["resolved"], "linux/amd64");
  EXPECT_EQ(stage["args"][0]["name"], "V");
  EXPECT_EQ(stage["args"][0]["value"], "2");
  EXPECT_EQ(stage["env"][1]["name"], "E");
  EXPECT_EQ(stage["env"][1]["value"], "x2");
  EXPECT_EQ(stage["needed"], true);
  EXPECT_EQ(json["stages"][1]["name"], nullptr);
  EXPECT_EQ(json["stages"][1]["display_name"], "stage-1");
  EXPECT_EQ(json["stages"][1]["depends_on"], nlohmann::json::array({0}));
  EXPECT_EQ(json["stages"][1]["base"]["kind"], "scratch");
}

} // namespace

namespace {

TEST(AnalyzeGraph, ManyStagesInAChain) {
  std::vector<Instruction> nodes;
  for (int i = 0; i < 20000; ++i) {
    nodes.push_back(from("img", "s" + std::to_string(i)));
    if (i > 0) nodes.push_back(copy_from("s" + std::to_string(i - 1)));
  }
  auto a = analyze_nodes(std::move(nodes));
  EXPECT_TRUE(a.errors().empty());
  EXPECT_TRUE(a.build.stages.front().needed);
}

} // namespace
