// Typed instructions: flag checks, argument checks and values, table-driven
// on hand-built AST nodes.

#include "frontend/instruction_builders.hpp"
#include "frontend/instructions.hpp"
#include "typed_test_support.hpp"

#include <gtest/gtest.h>

namespace {

using namespace distill::frontend;
using namespace distill::frontend::testing_support;
using distill::support::DiagnosticSink;

struct ErrorCase {
  std::string name;
  std::shared_ptr<const Instruction> node; // AST nodes cannot be copied
  std::string expected;                    // the first error message; "" = no error
};

void PrintTo(const ErrorCase& c, std::ostream* out) { *out << c.name; }

Instruction onbuild(Instruction inner) {
  Instruction out = instruction("ONBUILD", {}, {});
  out.onbuild = std::make_unique<Instruction>(std::move(inner));
  return out;
}

std::vector<ErrorCase> error_cases() {
  std::vector<ErrorCase> cases;
  const auto add = [&](std::string name, Instruction node, std::string expected) {
    cases.push_back(ErrorCase{std::move(name), std::make_shared<const Instruction>(std::move(node)), std::move(expected)});
  };
  // bflag
  add("unknown_flag_with_suggestion", instruction("COPY", {"--form=x"}, {"a", "b"}),
      "unknown flag: --form (did you mean from?)");
  add("flag_names_are_case_sensitive", instruction("COPY", {"--FROM=x"}, {"a", "b"}), "unknown flag: --FROM");
  add("unknown_flag_far_from_all", instruction("COPY", {"--verbose"}, {"a", "b"}), "unknown flag: --verbose");
  add("duplicate_flag", instruction("COPY", {"--from=a", "--from=b"}, {"x", "y"}),
      "duplicate flag specified: --from");
  add("string_flag_without_value", instruction("COPY", {"--from"}, {"x", "y"}), "missing a value on flag: --from");
  add("bool_flag_empty_value", instruction("COPY", {"--link="}, {"a", "b"}), "missing a value on flag: --link");
  add("bool_flag_bad_value", instruction("COPY", {"--link=yes"}, {"a", "b"}),
      "expecting boolean value for flag --link, not: yes");
  add("bool_flag_upper_true", instruction("COPY", {"--link=TRUE"}, {"a", "b"}), "");
  add("repeatable_exclude", instruction("COPY", {"--exclude=a", "--exclude=b"}, {"x", "y"}), "");
  add("run_unknown_flag", instruction("RUN", {"--mont=type=cache"}, {"x"}),
      "unknown flag: --mont (did you mean mount?)");
  add("run_network", instruction("RUN", {"--network=bridge"}, {"x"}), "invalid network mode \"bridge\"");
  add("run_network_ok", instruction("RUN", {"--network=none"}, {"x"}), "");
  add("run_security", instruction("RUN", {"--security=foo"}, {"x"}), "security \"foo\" is not valid");
  add("run_mount_from_variable", instruction("RUN", {"--mount=type=bind,from=$X"}, {"x"}),
      "'from' doesn't support variable expansion, define alias stage instead");
  add("run_mount_csv", instruction("RUN", {"--mount=a\"b"}, {"x"}),
      "failed to parse csv mounts: parse error on line 1, column 2: bare \" in non-quoted-field");
  add("run_device_parses", instruction("RUN", {"--device=nvidia.com/gpu=all,required"}, {"x"}), "");
  add("arg_ignores_flags", instruction("ARG", {"--foo=1"}, {"X"}), "");
  add("stopsignal_ignores_flags", instruction("STOPSIGNAL", {"--foo"}, {"SIGTERM"}), "");
  add("healthcheck_none_ignores_flags", instruction("HEALTHCHECK", {"--foo"}, {"NONE"}), "");
  add("healthcheck_cmd_checks_flags", instruction("HEALTHCHECK", {"--foo"}, {"CMD", "x"}), "unknown flag: --foo");
  add("env_checks_flags", instruction("ENV", {"--x=1"}, {"A", "1", "="}), "unknown flag: --x");
  // HEALTHCHECK
  add("healthcheck_missing_unit", instruction("HEALTHCHECK", {"--interval=1"}, {"CMD", "x"}),
      "time: missing unit in duration \"1\"");
  add("healthcheck_unknown_unit", instruction("HEALTHCHECK", {"--timeout=3x"}, {"CMD", "x"}),
      "time: unknown unit \"x\" in duration \"3x\"");
  add("healthcheck_too_short", instruction("HEALTHCHECK", {"--interval=100us"}, {"CMD", "x"}),
      "Interval \"interval\" cannot be less than 1ms");
  add("healthcheck_zero_inherits", instruction("HEALTHCHECK", {"--interval=0"}, {"CMD", "x"}), "");
  add("healthcheck_negative_retries", instruction("HEALTHCHECK", {"--retries=-1"}, {"CMD", "x"}),
      "--retries cannot be negative (-1)");
  add("healthcheck_bad_retries", instruction("HEALTHCHECK", {"--retries=x"}, {"CMD", "x"}),
      "strconv.ParseInt: parsing \"x\": invalid syntax");
  add("healthcheck_unknown_type", instruction("HEALTHCHECK", {}, {"FOO", "x"}),
      "Unknown type \"FOO\" in HEALTHCHECK (try CMD)");
  add("healthcheck_missing_command", instruction("HEALTHCHECK", {}, {"CMD"}), "Missing command after HEALTHCHECK CMD");
  add("healthcheck_none_arguments", instruction("HEALTHCHECK", {}, {"NONE", "x"}), "HEALTHCHECK NONE takes no arguments");
  add("healthcheck_no_arguments", instruction("HEALTHCHECK", {}, {}), "HEALTHCHECK requires at least one argument");
  // Argument checks
  add("from_two_arguments", instruction("FROM", {}, {"a", "b"}), "FROM requires either one or three arguments");
  add("from_bad_stage_name", instruction("FROM", {}, {"a", "AS", "1abc"}),
      "invalid name for build stage: \"1abc\", name can't start with a number or contain symbols");
  add("from_stage_name_symbols", instruction("FROM", {}, {"a", "as", "a/b"}),
      "invalid name for build stage: \"a/b\", name can't start with a number or contain symbols");
  add("from_platform_missing_value", instruction("FROM", {"--platform"}, {"a"}),
      "missing a value on flag: --platform");
  add("copy_one_argument", instruction("COPY", {}, {"x"}),
      "COPY requires at least two arguments, but only one was provided. Destination could not be determined");
  add("copy_arguments_checked_before_flags", instruction("ADD", {"--foo"}, {"x"}),
      "ADD requires at least two arguments, but only one was provided. Destination could not be determined");
  add("copy_checksum", instruction("COPY", {"--checksum=sha256:00"}, {"a", "b"}),
      "checksum can't be specified for COPY");
  add("copy_heredoc_destination", instruction("COPY", {}, {"a", "<<EOF"}),
      "COPY cannot accept a heredoc as a destination");
  add("workdir_no_argument", instruction("WORKDIR", {}, {}), "WORKDIR requires exactly one argument");
  add("user_no_argument", instruction("USER", {}, {}), "USER requires exactly one argument");
  add("maintainer_no_argument", instruction("MAINTAINER", {}, {}), "MAINTAINER requires exactly one argument");
  add("stopsignal_no_argument", instruction("STOPSIGNAL", {}, {}), "STOPSIGNAL requires exactly one argument");
  add("expose_no_argument", instruction("EXPOSE", {}, {}), "EXPOSE requires at least one argument");
  add("volume_no_argument", instruction("VOLUME", {}, {}), "VOLUME requires at least one argument");
  add("volume_empty_item", instruction("VOLUME", {}, {" "}, 1, true), "VOLUME specified can not be an empty string");
  add("arg_no_argument", instruction("ARG", {}, {}), "ARG requires at least one argument");
  add("arg_blank_name", instruction("ARG", {}, {"=v"}), "ARG names can not be blank");
  add("env_no_argument", instruction("ENV", {}, {}), "ENV requires at least one argument");
  add("label_blank_name", instruction("LABEL", {}, {"", "v", "="}), "LABEL names can not be blank");
  add("shell_not_json", instruction("SHELL", {}, {"sh -c"}), "SHELL requires the arguments to be in JSON form");
  add("shell_empty_json", instruction("SHELL", {}, {}, 1, true), "SHELL requires at least one argument");
  add("onbuild_nothing", instruction("ONBUILD", {}, {}), "ONBUILD requires at least one argument");
  add("onbuild_chained", onbuild(instruction("ONBUILD", {}, {})),
      "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  add("onbuild_from", onbuild(instruction("FROM", {}, {"x"})), "FROM isn't allowed as an ONBUILD trigger");
  add("onbuild_maintainer", onbuild(instruction("maintainer", {}, {"x"})),
      "MAINTAINER isn't allowed as an ONBUILD trigger");
  // Unknown instructions
  add("unknown_instruction", instruction("RUNN", {}, {""}), "unknown instruction: RUNN (did you mean RUN?)");
  add("unknown_instruction_lower", instruction("runn", {}, {""}), "unknown instruction: runn (did you mean run?)");
  add("unknown_instruction_no_match", instruction("FROBNICATE", {}, {""}), "unknown instruction: FROBNICATE");
  return cases;
}

class TypedErrors : public testing::TestWithParam<ErrorCase> {};

TEST_P(TypedErrors, ReportsLikeBuildKit) {
  const ErrorCase& c = GetParam();
  DiagnosticSink sink;
  auto command = build_command(*c.node, '\\', sink);
  if (c.expected.empty()) {
    EXPECT_TRUE(command.has_value());
    EXPECT_FALSE(sink.has_errors()) << sink.diagnostics().front().message;
  } else {
    EXPECT_FALSE(command.has_value());
    ASSERT_TRUE(sink.has_errors());
    EXPECT_EQ(sink.diagnostics().front().message, c.expected);
    EXPECT_TRUE(sink.diagnostics().front().where.known());
  }
}

INSTANTIATE_TEST_SUITE_P(Table, TypedErrors, testing::ValuesIn(error_cases()),
                         [](const auto& param_info) { return param_info.param.name; });

template <typename T>
T typed(const Instruction& node) {
  DiagnosticSink sink;
  auto command = build_command(node, '\\', sink);
  EXPECT_TRUE(command.has_value());
  EXPECT_FALSE(sink.has_errors());
  return std::get<T>(*command);
}

TEST(TypedValues, FromWithPlatformAndName) {
  auto from = typed<FromCommand>(instruction("FROM", {"--platform=$BUILDPLATFORM"}, {"golang:1.22", "As", "Build"}));
  EXPECT_EQ(from.base.raw, "golang:1.22");
  EXPECT_EQ(from.stage_name, "build");
  EXPECT_EQ(from.stage_name_word.raw, "Build");
  EXPECT_EQ(from.as_keyword, "As");
  ASSERT_TRUE(from.platform.has_value());
  EXPECT_EQ(from.platform->raw, "$BUILDPLATFORM");
  EXPECT_EQ(from.platform->where.begin.column, 6);
}

TEST(TypedValues, CopyFlagsAndSources) {
  auto node = instruction("COPY", {"--from=build", "--chown=1:2", "--chmod=0755", "--link", "--parents=false",
                                   "--exclude=*.md", "--exclude=.git"},
                          {"a", "<<-EOF", "b/", "/dest/"});
  node.heredocs.push_back(Heredoc{"EOF", "\tx\n\t\ty\n", true, true, -1, {}, {}});
  auto copy = typed<CopyCommand>(node);
  EXPECT_EQ(copy.from->raw, "build");
  EXPECT_EQ(copy.chown->raw, "1:2");
  EXPECT_EQ(copy.chmod->raw, "0755");
  EXPECT_TRUE(copy.link.present && copy.link.value);
  EXPECT_TRUE(copy.parents.present);
  EXPECT_FALSE(copy.parents.value);
  ASSERT_EQ(copy.excludes.size(), 2u);
  EXPECT_EQ(copy.excludes[1].raw, ".git");
  ASSERT_EQ(copy.files.sources.size(), 2u);
  EXPECT_EQ(copy.files.sources[1].raw, "b/");
  ASSERT_EQ(copy.files.inline_sources.size(), 1u);
  EXPECT_EQ(copy.files.inline_sources[0].name, "EOF");
  EXPECT_EQ(copy.files.inline_sources[0].content, "x\ny\n"); // `<<-` strips leading tabs
  EXPECT_EQ(copy.files.dest.raw, "/dest/");
}

TEST(TypedValues, AddFlags) {
  auto add = typed<AddCommand>(instruction(
      "ADD", {"--checksum=sha256:abc", "--keep-git-dir", "--unpack=false", "--link=false"}, {"https://x/y.tgz", "/"}));
  EXPECT_EQ(add.checksum->raw, "sha256:abc");
  EXPECT_TRUE(add.keep_git_dir.value);
  EXPECT_TRUE(add.unpack.present);
  EXPECT_FALSE(add.unpack.value);
  EXPECT_TRUE(add.link.present);
  EXPECT_FALSE(add.link.value);
}

TEST(TypedValues, HeredocMarkers) {
  auto marker = parse_heredoc_marker("3<<-\"E O\"");
  ASSERT_TRUE(marker.has_value());
  EXPECT_EQ(marker->name, "E O");
  EXPECT_EQ(marker->fd, 3);
  EXPECT_TRUE(marker->chomp);
  EXPECT_FALSE(marker->expand);
  auto plain = parse_heredoc_marker("<<EOF");
  ASSERT_TRUE(plain.has_value());
  EXPECT_TRUE(plain->expand);
  EXPECT_EQ(plain->fd, -1);
  EXPECT_TRUE(parse_heredoc_marker("<< EOF").has_value());
  EXPECT_FALSE(parse_heredoc_marker("<<<EOF").has_value());
  EXPECT_FALSE(parse_heredoc_marker("<<").has_value());
  EXPECT_FALSE(parse_heredoc_marker("<<'EOF").has_value()); // unbalanced quote
  EXPECT_EQ(parse_heredoc_marker("<<eo\\'f")->name, "eo'f");
  EXPECT_TRUE(parse_heredoc_marker("<<eo\\'f")->expand);
}

TEST(TypedValues, RunMountsNetworkAndShellForm) {
  auto run = typed<RunCommand>(instruction(
      "RUN", {"--mount=type=cache,target=/root/.cache,sharing=locked", "--mount=type=ssh", "--network=host"},
      {"apt-get update"}));
  ASSERT_EQ(run.mounts.size(), 2u);
  EXPECT_EQ(run.mounts[0].type, MountType::cache);
  EXPECT_EQ(run.mounts[0].sharing, "locked");
  EXPECT_EQ(run.mounts[0].id, "/root/.cache");
  EXPECT_EQ(run.mounts[1].type, MountType::ssh);
  EXPECT_EQ(run.mounts[1].target, "/run/buildkit/ssh_agent.0");
  EXPECT_EQ(run.network->raw, "host");
  EXPECT_TRUE(run.command.shell_form);
  ASSERT_EQ(run.command.args.size(), 1u);
  EXPECT_EQ(run.command.args[0].raw, "apt-get update");
  EXPECT_EQ(run.flags_used, (std::vector<std::string>{"mount", "mount", "network"}));
}

TEST(TypedValues, HealthcheckDurations) {
  auto health = typed<HealthcheckCommand>(instruction(
      "HEALTHCHECK", {"--interval=1m30s", "--timeout=1.5s", "--start-period=0", "--retries=3"}, {"CMD", "curl -f x"}));
  EXPECT_EQ(health.interval_ns, 90'000'000'000LL);
  EXPECT_EQ(health.timeout_ns, 1'500'000'000LL);
  EXPECT_EQ(health.start_period_ns, 0);
  EXPECT_EQ(health.start_interval_ns, std::nullopt);
  EXPECT_EQ(health.retries, 3);
  EXPECT_EQ(health.test, (std::vector<std::string>{"CMD-SHELL", "curl -f x"}));
  auto exec = typed<HealthcheckCommand>(instruction("HEALTHCHECK", {}, {"cmd", "curl", "-f"}, 1, true));
  EXPECT_EQ(exec.test, (std::vector<std::string>{"CMD", "curl", "-f"}));
  auto none = typed<HealthcheckCommand>(instruction("HEALTHCHECK", {}, {"none"}));
  EXPECT_EQ(none.kind, HealthcheckCommand::Kind::none);
  EXPECT_EQ(none.test, (std::vector<std::string>{"NONE"}));
}

TEST(TypedValues, ArgsEnvLabels) {
  auto arg = typed<ArgCommand>(instruction("ARG", {}, {"A", "B=1", "C=\"x y\""}));
  ASSERT_EQ(arg.args.size(), 3u);
  EXPECT_FALSE(arg.args[0].default_value.has_value());
  EXPECT_EQ(arg.args[1].name.raw, "B");
  EXPECT_EQ(arg.args[1].default_value->raw, "1");
  EXPECT_EQ(arg.args[2].default_value->raw, "\"x y\"");
  auto env = typed<EnvCommand>(instruction("ENV", {}, {"K", "rest of line", ""}));
  ASSERT_EQ(env.env.size(), 1u);
  EXPECT_TRUE(env.env[0].legacy);
  auto label = typed<LabelCommand>(key_values("LABEL", {{"a", "1"}, {"\"b\"", "\"2\""}}));
  ASSERT_EQ(label.labels.size(), 2u);
  EXPECT_FALSE(label.labels[1].legacy);
  EXPECT_EQ(label.labels[1].key.raw, "\"b\"");
}

TEST(TypedValues, OnbuildKeepsTriggerTyped) {
  Instruction node = onbuild(instruction("COPY", {"--from=builder"}, {"/a", "/b"}));
  node.original = "ONBUILD COPY --from=builder /a /b";
  auto command = typed<OnbuildCommand>(node);
  EXPECT_EQ(command.trigger, "COPY");
  EXPECT_EQ(command.expression, "COPY --from=builder /a /b");
  ASSERT_EQ(command.inner.size(), 1u);
  EXPECT_EQ(std::get<CopyCommand>(command.inner[0]).from->raw, "builder");
}

TEST(TypedValues, OnbuildTriggerErrorsAreWarnings) {
  Instruction node = onbuild(instruction("COPY", {"--bogus"}, {"/a", "/b"}));
  DiagnosticSink sink;
  auto command = build_command(node, '\\', sink);
  ASSERT_TRUE(command.has_value());
  EXPECT_FALSE(sink.has_errors());
  ASSERT_EQ(sink.diagnostics().size(), 1u);
  EXPECT_EQ(sink.diagnostics()[0].message, "ONBUILD trigger: unknown flag: --bogus");
}

TEST(TypedValues, CommandNames) {
  EXPECT_EQ(command_name(Command{RunCommand{}}), "run");
  EXPECT_EQ(command_name(Command{OnbuildCommand{}}), "onbuild");
  EXPECT_EQ(command_name(Command{ShellCommand{}}), "shell");
}

} // namespace
