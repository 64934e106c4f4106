// The instructions that change only the image config.

#include "planner/history.hpp"
#include "planner/lower_detail.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace distill::planner::detail {
namespace {

std::vector<std::string> command_argv(const frontend::CommandLine& line, const std::vector<std::string>& shell) {
  std::vector<std::string> argv;
  if (line.shell_form) {
    argv = shell;
    argv.push_back(line.args.empty() ? std::string() : line.args.front().raw);
  } else {
    for (const frontend::Word& word : line.args) argv.push_back(word.value);
  }
  return argv;
}

std::string pairs(const std::vector<frontend::KeyValue>& items) {
  std::string out;
  for (const frontend::KeyValue& item : items) out += " " + item.key.value + "=" + item.value.value;
  return out;
}

std::optional<int> port_number(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0 || value > 65535) {
    return std::nullopt;
  }
  return value;
}

struct Visitor {
  LowerContext& context;
  const frontend::Step& step;

  void add(Op op, const SourceRange& where, std::string created_by) {
    set_where(op, {where});
    context.stage.steps.push_back({std::move(op), std::move(created_by)});
  }

  void operator()(const frontend::EnvCommand& c) {
    SetEnv op;
    for (const frontend::KeyValue& item : c.env) op.values.emplace_back(item.key.value, item.value.value);
    add(std::move(op), c.where, "ENV" + pairs(c.env));
  }
  void operator()(const frontend::LabelCommand& c) {
    SetLabels op;
    for (const frontend::KeyValue& item : c.labels) op.labels.emplace_back(item.key.value, item.value.value);
    add(std::move(op), c.where, "LABEL" + pairs(c.labels));
  }
  void operator()(const frontend::WorkdirCommand& c) {
    add(SetWorkdir{step.workdir, {}}, c.where, "WORKDIR " + step.workdir);
  }
  void operator()(const frontend::UserCommand& c) { add(SetUser{c.user.value, {}}, c.where, "USER " + c.user.value); }
  void operator()(const frontend::CmdCommand& c) {
    SetCmd op{command_argv(c.command, step.shell), c.command.shell_form, {}};
    const std::string history = "CMD " + go_quoted_list(op.argv);
    add(std::move(op), c.where, history);
  }
  void operator()(const frontend::EntrypointCommand& c) {
    SetEntrypoint op{command_argv(c.command, step.shell), c.command.shell_form, {}};
    const std::string history = "ENTRYPOINT " + go_quoted_list(op.argv);
    add(std::move(op), c.where, history);
  }
  void operator()(const frontend::ExposeCommand& c) {
    std::vector<std::string> written = c.expanded_ports;
    if (written.empty()) {
      for (const frontend::Word& port : c.ports) written.push_back(port.value);
    }
    Expose op{exposed_ports(written), {}};
    const std::string history = "EXPOSE " + go_list(op.ports);
    add(std::move(op), c.where, history);
  }
  void operator()(const frontend::VolumeCommand& c) {
    AddVolumes op;
    for (const frontend::Word& volume : c.volumes) op.paths.push_back(volume.value);
    const std::string history = "VOLUME " + go_list(op.paths);
    add(std::move(op), c.where, history);
  }
  void operator()(const frontend::HealthcheckCommand& c) {
    Healthcheck op;
    op.test = c.test;
    op.interval_ns = c.interval_ns;
    op.timeout_ns = c.timeout_ns;
    op.start_period_ns = c.start_period_ns;
    op.start_interval_ns = c.start_interval_ns;
    op.retries = c.retries;
    const std::string history = healthcheck_history(op);
    add(std::move(op), c.where, history);
  }
  void operator()(const frontend::StopsignalCommand& c) {
    add(StopSignal{c.signal.value, {}}, c.where, "STOPSIGNAL " + c.signal.value);
  }
  void operator()(const frontend::ShellCommand& c) {
    SetShell op;
    for (const frontend::Word& word : c.shell) op.shell.push_back(word.value);
    const std::string history = "SHELL " + go_list(op.shell);
    add(std::move(op), c.where, history);
  }
  void operator()(const frontend::OnbuildCommand& c) {
    add(OnBuild{c.expression, {}}, c.where, ""); // BuildKit writes no history entry for ONBUILD
  }
  void operator()(const frontend::MaintainerCommand& c) {
    context.plan.findings.push_back({support::Severity::info, "maintainer-not-kept", c.where,
                                     "MAINTAINER sets the image author, which the plan does not carry",
                                     "use LABEL org.opencontainers.image.authors=..."});
  }
  void operator()(const frontend::ArgCommand&) {}
  void operator()(const frontend::FromCommand&) {}
  void operator()(const frontend::RunCommand&) {}
  void operator()(const frontend::CopyCommand&) {}
  void operator()(const frontend::AddCommand&) {}
};

} // namespace

std::vector<std::string> exposed_ports(const std::vector<std::string>& written) {
  std::vector<std::string> ports;
  for (const std::string& raw : written) {
    // [ip:][host:]container[-end][/proto]
    std::string spec = raw;
    if (const auto colon = spec.rfind(':'); colon != std::string::npos) spec = spec.substr(colon + 1);
    std::string proto = "tcp";
    if (const auto slash = spec.find('/'); slash != std::string::npos) {
      proto = spec.substr(slash + 1);
      std::ranges::transform(proto, proto.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      spec = spec.substr(0, slash);
    }
    const auto dash = spec.find('-');
    const auto first = port_number(spec.substr(0, dash));
    const auto last = dash == std::string::npos ? first : port_number(spec.substr(dash + 1));
    if (!first || !last || *last < *first || (proto != "tcp" && proto != "udp" && proto != "sctp")) {
      ports.push_back(raw); // BuildKit rejects it; keep it as written
      continue;
    }
    for (int port = *first; port <= *last; ++port) ports.push_back(std::to_string(port) + "/" + proto);
  }
  return ports;
}

void lower_config(LowerContext& context, const frontend::Step& step) {
  std::visit(Visitor{context, step}, step.command);
}

} // namespace distill::planner::detail
