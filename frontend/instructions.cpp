#include "frontend/instructions.hpp"

#include "frontend/flags.hpp"
#include "frontend/go_quote.hpp"
#include "frontend/instruction_builders.hpp"
#include "frontend/suggest.hpp"
#include "frontend/typed_support.hpp"

#include <array>
#include <fmt/format.h>

namespace distill::frontend {
namespace {

constexpr std::array<std::string_view, 18> k_instruction_names = {
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
    "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"};

bool valid_stage_name(std::string_view name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

void error_at(const BuildRequest& request, std::string kind, std::string message) {
  report_error(request.sink, std::move(kind), request.node.where, std::move(message));
}

bool exactly_one_argument(const BuildRequest& request, std::string_view name) {
  if (request.node.args.size() == 1) return true;
  error_at(request, "argument-count", fmt::format("{} requires exactly one argument", name));
  return false;
}

bool no_flags(const BuildRequest& request) { return parse_flags(request.node, {}, request.sink).has_value(); }

std::optional<Command> build_from(const BuildRequest& request) {
  const auto& args = request.node.args;
  FromCommand from = with_header(FromCommand{}, request.node);
  if (args.size() == 3 && ascii_lower(args[1].value) == "as") {
    from.stage_name = ascii_lower(args[2].value);
    if (!valid_stage_name(from.stage_name)) {
      report_error(request.sink, "invalid-stage-name", args[2].where,
                   fmt::format("invalid name for build stage: {}, name can't start with a number or contain symbols",
                               go_quote(args[2].value)));
      return std::nullopt;
    }
    from.stage_name_word = make_word(args[2]);
    from.as_where = args[1].where;
    from.as_keyword = args[1].value;
  } else if (args.size() != 1) {
    error_at(request, "argument-count", "FROM requires either one or three arguments");
    return std::nullopt;
  }
  static constexpr std::array<FlagSpec, 1> k_flags = {{{"platform", FlagKind::string}}};
  auto flags = parse_flags(request.node, k_flags, request.sink);
  if (!flags) return std::nullopt;
  from.base = make_word(args[0]);
  from.platform = flags->string_flag("platform");
  from.comment = doc_comment(request.node.comments, from.stage_name);
  return from;
}

std::optional<Command> build_maintainer(const BuildRequest& request) {
  if (!exactly_one_argument(request, "MAINTAINER") || !no_flags(request)) return std::nullopt;
  MaintainerCommand command;
  command.maintainer = make_word(request.node.args[0]);
  return with_header(std::move(command), request.node);
}

std::optional<Command> build_expose(const BuildRequest& request) {
  if (request.node.args.empty()) {
    error_at(request, "argument-count", "EXPOSE requires at least one argument");
    return std::nullopt;
  }
  if (!no_flags(request)) return std::nullopt;
  ExposeCommand expose = with_header(ExposeCommand{}, request.node);
  for (const auto& arg : request.node.args) expose.ports.push_back(make_word(arg));
  return expose;
}

std::optional<Command> build_user(const BuildRequest& request) {
  if (!exactly_one_argument(request, "USER") || !no_flags(request)) return std::nullopt;
  UserCommand command;
  command.user = make_word(request.node.args[0]);
  return with_header(std::move(command), request.node);
}

std::optional<Command> build_workdir(const BuildRequest& request) {
  if (!exactly_one_argument(request, "WORKDIR") || !no_flags(request)) return std::nullopt;
  WorkdirCommand command;
  command.path = make_word(request.node.args[0]);
  return with_header(std::move(command), request.node);
}

std::optional<Command> build_volume(const BuildRequest& request) {
  if (request.node.args.empty()) {
    error_at(request, "argument-count", "VOLUME requires at least one argument");
    return std::nullopt;
  }
  if (!no_flags(request)) return std::nullopt;
  VolumeCommand volume = with_header(VolumeCommand{}, request.node);
  volume.json_form = request.node.json_form;
  for (const auto& arg : request.node.args) {
    // BuildKit trims each item (Go's strings.TrimSpace; ASCII white space
    // covers what a split word or JSON string can hold here).
    const auto begin = arg.value.find_first_not_of(" \t\n\v\f\r");
    if (begin == std::string::npos) {
      report_error(request.sink, "empty-volume", arg.where, "VOLUME specified can not be an empty string");
      return std::nullopt;
    }
    const auto end = arg.value.find_last_not_of(" \t\n\v\f\r") + 1;
    Word word = make_word(arg.value.substr(begin, end - begin), arg.where);
    volume.volumes.push_back(std::move(word));
  }
  return volume;
}

std::optional<Command> build_stopsignal(const BuildRequest& request) {
  // BuildKit never parses STOPSIGNAL's flags: unknown ones are ignored.
  if (!exactly_one_argument(request, "STOPSIGNAL")) return std::nullopt;
  StopsignalCommand command;
  command.signal = make_word(request.node.args[0]);
  return with_header(std::move(command), request.node);
}

// `(?i)^\s*ONBUILD\s*` removed from the original line, heredocs appended.
std::string onbuild_expression(const Instruction& node) {
  std::string_view text = node.original;
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  if (text.size() >= 7 && ascii_lower(text.substr(0, 7)) == "onbuild") {
    text.remove_prefix(7);
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  } else {
    text = node.original;
  }
  std::string out(text);
  // The heredocs may hang on the ONBUILD node or on the wrapped one.
  const Instruction* owner = node.heredocs.empty() && node.onbuild ? node.onbuild.get() : &node;
  for (const auto& heredoc : owner->heredocs) out += "\n" + heredoc.content + heredoc.name;
  return out;
}

std::optional<Command> build_onbuild(const BuildRequest& request) {
  const Instruction* inner = request.node.onbuild.get();
  if (!inner) {
    error_at(request, "argument-count", "ONBUILD requires at least one argument");
    return std::nullopt;
  }
  if (!no_flags(request)) return std::nullopt;
  OnbuildCommand onbuild = with_header(OnbuildCommand{}, request.node);
  std::string trigger;
  for (char c : inner->keyword) trigger += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  if (trigger == "ONBUILD") {
    error_at(request, "onbuild-trigger", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    return std::nullopt;
  }
  if (trigger == "MAINTAINER" || trigger == "FROM") {
    error_at(request, "onbuild-trigger", fmt::format("{} isn't allowed as an ONBUILD trigger", trigger));
    return std::nullopt;
  }
  onbuild.trigger = trigger;
  onbuild.expression = onbuild_expression(request.node);
  // BuildKit checks the trigger only when a child build runs it, so its
  // findings are warnings here.
  support::DiagnosticSink inner_sink;
  if (auto command = build_command(*inner, request.escape, inner_sink)) onbuild.inner.push_back(std::move(*command));
  for (auto diagnostic : inner_sink.diagnostics()) {
    diagnostic.severity = support::Severity::warning;
    diagnostic.message = "ONBUILD trigger: " + diagnostic.message;
    request.sink.report(std::move(diagnostic));
  }
  return onbuild;
}

template <typename T>
const SourceRange& where_of(const T& command) {
  return command.where;
}

} // namespace

std::optional<Command> build_command(const Instruction& instruction, char escape, support::DiagnosticSink& sink) {
  const BuildRequest request{instruction, escape, sink};
  const std::string& name = instruction.command;
  if (name == "from") return build_from(request);
  if (name == "run") return build_run(request);
  if (name == "cmd") return build_cmd(request);
  if (name == "entrypoint") return build_entrypoint(request);
  if (name == "label") return build_label(request);
  if (name == "maintainer") return build_maintainer(request);
  if (name == "expose") return build_expose(request);
  if (name == "env") return build_env(request);
  if (name == "add") return build_add(request);
  if (name == "copy") return build_copy(request);
  if (name == "volume") return build_volume(request);
  if (name == "user") return build_user(request);
  if (name == "workdir") return build_workdir(request);
  if (name == "arg") return build_arg(request);
  if (name == "stopsignal") return build_stopsignal(request);
  if (name == "healthcheck") return build_healthcheck(request);
  if (name == "shell") return build_shell(request);
  if (name == "onbuild") return build_onbuild(request);
  report_error(sink, "unknown-instruction", instruction.keyword_where,
               with_suggestion(fmt::format("unknown instruction: {}", instruction.keyword), instruction.keyword,
                               k_instruction_names, false));
  return std::nullopt;
}

std::string_view command_name(const Command& command) {
  static constexpr std::array<std::string_view, 18> k_names = {
      "from", "run", "cmd", "entrypoint", "label", "maintainer", "expose", "env", "add",
      "copy", "volume", "user", "workdir", "arg", "stopsignal", "healthcheck", "shell", "onbuild"};
  return k_names[command.index()];
}

const SourceRange& command_where(const Command& command) {
  return std::visit([](const auto& c) -> const SourceRange& { return where_of(c); }, command);
}

} // namespace distill::frontend
