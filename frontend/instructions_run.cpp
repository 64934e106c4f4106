// RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK: the command-line instructions.

#include "frontend/flags.hpp"
#include "frontend/go_duration.hpp"
#include "frontend/go_quote.hpp"
#include "frontend/instruction_builders.hpp"
#include "frontend/run_mount.hpp"
#include "frontend/typed_support.hpp"

#include <array>
#include <fmt/format.h>

namespace distill::frontend {
namespace {

// handleJSONArgs plus the heredoc files of RUN.
CommandLine command_line(const Instruction& node, std::size_t first_arg = 0) {
  CommandLine line;
  line.shell_form = !node.json_form;
  for (std::size_t i = first_arg; i < node.args.size(); ++i) line.args.push_back(make_word(node.args[i]));
  if (line.shell_form && line.args.size() > 1) {
    // A shell-form command is one string (BuildKit joins with spaces).
    Word joined = line.args.front();
    for (std::size_t i = 1; i < line.args.size(); ++i) {
      joined.raw += " " + line.args[i].raw;
      joined.where.end = line.args[i].where.end;
    }
    joined.value = joined.raw;
    line.args = {joined};
  }
  for (const auto& heredoc : node.heredocs) {
    line.files.push_back(HeredocFile{heredoc.name, heredoc.content, heredoc.expand, heredoc.chomp, heredoc.fd,
                                     heredoc.where, heredoc.body});
  }
  return line;
}

// parseOptInterval: "" is absent, 0 inherits, anything else must be >= 1ms.
bool interval(const BuildRequest& request, const ParsedFlags& flags, std::string_view name,
              std::optional<long long>& out) {
  const FlagUse* use = flags.find(name);
  if (!use || use->value.empty()) return true;
  auto nanos = parse_go_duration(use->value);
  if (!nanos) {
    report_error(request.sink, "invalid-flag", use->flag->where, nanos.error().message);
    return false;
  }
  if (*nanos != 0 && *nanos < 1000000) {
    report_error(request.sink, "invalid-flag", use->flag->where,
                 fmt::format("Interval {} cannot be less than 1ms", go_quote(name)));
    return false;
  }
  out = *nanos;
  return true;
}

} // namespace

std::optional<Command> build_run(const BuildRequest& request) {
  static constexpr std::array<FlagSpec, 4> k_flags = {{{"device", FlagKind::strings},
                                                       {"mount", FlagKind::strings},
                                                       {"network", FlagKind::string},
                                                       {"security", FlagKind::string}}};
  auto flags = parse_flags(request.node, k_flags, request.sink);
  if (!flags) return std::nullopt;
  RunCommand run = with_header(RunCommand{}, request.node);
  for (const auto& use : flags->uses) run.flags_used.push_back(use.name);
  run.command = command_line(request.node);

  // The post-parse hooks, in BuildKit's order: device, mount, network, security.
  for (const FlagUse* use : flags->all("device")) {
    auto device = parse_device(use->value);
    if (!device) {
      report_error(request.sink, "invalid-device", use->flag->where, device.error().message);
      return std::nullopt;
    }
    device->where = use->flag->where;
    run.devices.push_back(std::move(*device));
  }
  int ssh_count = 0;
  for (const FlagUse* use : flags->all("mount")) {
    if (auto checked = check_mount_syntax(use->value); !checked) {
      report_error(request.sink, "invalid-mount", use->flag->where, checked.error().message);
      return std::nullopt;
    }
    // The full check needs the expanded values: analyze() repeats it and
    // reports. Here values stay as written.
    auto mount = parse_mount(use->value, [](std::string_view value) -> support::Result<std::string> {
      return std::string(value);
    });
    RunMount typed = mount ? std::move(*mount) : RunMount{};
    typed.raw = use->value;
    typed.where = use->flag->where;
    if (typed.type == MountType::ssh && typed.target.empty()) {
      typed.target = fmt::format("/run/buildkit/ssh_agent.{}", ssh_count);
    }
    if (typed.type == MountType::ssh) ++ssh_count;
    run.mounts.push_back(std::move(typed));
  }
  run.network = flags->string_flag("network");
  if (run.network && run.network->raw != "default" && run.network->raw != "none" && run.network->raw != "host") {
    report_error(request.sink, "invalid-network", run.network->where,
                 fmt::format("invalid network mode {}", go_quote(run.network->raw)));
    return std::nullopt;
  }
  run.security = flags->string_flag("security");
  if (run.security && run.security->raw != "sandbox" && run.security->raw != "insecure") {
    report_error(request.sink, "invalid-security", run.security->where,
                 fmt::format("security {} is not valid", go_quote(run.security->raw)));
    return std::nullopt;
  }
  return run;
}

std::optional<Command> build_cmd(const BuildRequest& request) {
  if (!parse_flags(request.node, {}, request.sink)) return std::nullopt;
  CmdCommand command;
  command.command = command_line(request.node);
  return with_header(std::move(command), request.node);
}

std::optional<Command> build_entrypoint(const BuildRequest& request) {
  if (!parse_flags(request.node, {}, request.sink)) return std::nullopt;
  EntrypointCommand command;
  command.command = command_line(request.node);
  return with_header(std::move(command), request.node);
}

std::optional<Command> build_shell(const BuildRequest& request) {
  if (!parse_flags(request.node, {}, request.sink)) return std::nullopt;
  const CommandLine line = command_line(request.node);
  if (line.args.empty()) {
    report_error(request.sink, "argument-count", request.node.where, "SHELL requires at least one argument");
    return std::nullopt;
  }
  if (line.shell_form) {
    report_error(request.sink, "not-json", request.node.where, "SHELL requires the arguments to be in JSON form");
    return std::nullopt;
  }
  ShellCommand shell;
  shell.shell = line.args;
  return with_header(std::move(shell), request.node);
}

std::optional<Command> build_healthcheck(const BuildRequest& request) {
  const auto& args = request.node.args;
  if (args.empty()) {
    report_error(request.sink, "argument-count", request.node.where, "HEALTHCHECK requires at least one argument");
    return std::nullopt;
  }
  HealthcheckCommand health = with_header(HealthcheckCommand{}, request.node);
  health.type_word = make_word(args[0]);
  std::string type;
  for (char c : args[0].value) type += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  if (type == "NONE") {
    // BuildKit does not look at the flags of HEALTHCHECK NONE.
    if (args.size() != 1) {
      report_error(request.sink, "argument-count", request.node.where, "HEALTHCHECK NONE takes no arguments");
      return std::nullopt;
    }
    health.kind = HealthcheckCommand::Kind::none;
    health.test = {"NONE"};
    return health;
  }
  static constexpr std::array<FlagSpec, 5> k_flags = {{{"interval", FlagKind::string},
                                                       {"timeout", FlagKind::string},
                                                       {"start-period", FlagKind::string},
                                                       {"start-interval", FlagKind::string},
                                                       {"retries", FlagKind::string}}};
  auto flags = parse_flags(request.node, k_flags, request.sink);
  if (!flags) return std::nullopt;
  if (type != "CMD") {
    report_error(request.sink, "invalid-healthcheck", args[0].where,
                 fmt::format("Unknown type {} in HEALTHCHECK (try CMD)", go_quote(type)));
    return std::nullopt;
  }
  health.command = command_line(request.node, 1);
  if (health.command.args.empty()) {
    report_error(request.sink, "invalid-healthcheck", request.node.where, "Missing command after HEALTHCHECK CMD");
    return std::nullopt;
  }
  health.test = {health.command.shell_form ? "CMD-SHELL" : "CMD"};
  for (const auto& arg : health.command.args) health.test.push_back(arg.raw);
  health.interval = flags->string_flag("interval");
  health.timeout = flags->string_flag("timeout");
  health.start_period = flags->string_flag("start-period");
  health.start_interval = flags->string_flag("start-interval");
  health.retries_flag = flags->string_flag("retries");
  if (!interval(request, *flags, "interval", health.interval_ns) ||
      !interval(request, *flags, "timeout", health.timeout_ns) ||
      !interval(request, *flags, "start-period", health.start_period_ns) ||
      !interval(request, *flags, "start-interval", health.start_interval_ns)) {
    return std::nullopt;
  }
  if (const FlagUse* use = flags->find("retries"); use && !use->value.empty()) {
    auto retries = parse_go_int32(use->value);
    if (!retries) {
      report_error(request.sink, "invalid-flag", use->flag->where, retries.error().message);
      return std::nullopt;
    }
    if (*retries < 0) {
      report_error(request.sink, "invalid-flag", use->flag->where,
                   fmt::format("--retries cannot be negative ({})", *retries));
      return std::nullopt;
    }
    health.retries = *retries;
  }
  return health;
}

} // namespace distill::frontend
