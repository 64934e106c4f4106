// ENV, LABEL and ARG: key/value instructions.

#include "frontend/flags.hpp"
#include "frontend/instruction_builders.hpp"
#include "frontend/typed_support.hpp"

#include <fmt/format.h>

namespace distill::frontend {
namespace {

// parseKvps: the parser gives (key, value, separator) triples; an empty
// separator marks the legacy `KEY value` form.
std::optional<std::vector<KeyValue>> key_values(const BuildRequest& request, std::string_view name) {
  const auto& args = request.node.args;
  if (args.empty()) {
    report_error(request.sink, "argument-count", request.node.where,
                 fmt::format("{} requires at least one argument", name));
    return std::nullopt;
  }
  if (args.size() % 3 != 0) {
    report_error(request.sink, "argument-count", request.node.where,
                 fmt::format("Bad input to {}, too many arguments", name));
    return std::nullopt;
  }
  std::vector<KeyValue> pairs;
  for (std::size_t i = 0; i < args.size(); i += 3) {
    if (args[i].value.empty()) {
      report_error(request.sink, "blank-name", args[i].where, fmt::format("{} names can not be blank", name));
      return std::nullopt;
    }
    KeyValue pair{make_word(args[i]), make_word(args[i + 1]), args[i + 2].value.empty(), {}};
    pair.where = SourceRange{args[i].where.begin, args[i + 1].where.known() ? args[i + 1].where.end : args[i].where.end};
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

} // namespace

std::optional<Command> build_env(const BuildRequest& request) {
  if (!parse_flags(request.node, {}, request.sink)) return std::nullopt;
  auto pairs = key_values(request, "ENV");
  if (!pairs) return std::nullopt;
  EnvCommand env = with_header(EnvCommand{}, request.node);
  env.env = std::move(*pairs);
  return env;
}

std::optional<Command> build_label(const BuildRequest& request) {
  if (!parse_flags(request.node, {}, request.sink)) return std::nullopt;
  auto pairs = key_values(request, "LABEL");
  if (!pairs) return std::nullopt;
  LabelCommand label = with_header(LabelCommand{}, request.node);
  label.labels = std::move(*pairs);
  return label;
}

std::optional<Command> build_arg(const BuildRequest& request) {
  // BuildKit never parses ARG's flags: unknown ones are ignored.
  const auto& args = request.node.args;
  if (args.empty()) {
    report_error(request.sink, "argument-count", request.node.where, "ARG requires at least one argument");
    return std::nullopt;
  }
  ArgCommand command = with_header(ArgCommand{}, request.node);
  for (const auto& arg : args) {
    const std::string& text = arg.value;
    const auto eq = text.find('=');
    ArgDecl decl;
    decl.where = arg.where;
    if (eq == std::string::npos) {
      decl.name = make_word(arg);
    } else {
      if (eq == 0) {
        report_error(request.sink, "blank-name", arg.where, "ARG names can not be blank");
        return std::nullopt;
      }
      decl.name = make_word(text.substr(0, eq), sub_range(arg.where, text.size(), 0, eq));
      decl.default_value = make_word(text.substr(eq + 1), sub_range(arg.where, text.size(), eq + 1, text.size()));
    }
    decl.comment = doc_comment(request.node.comments, decl.name.raw);
    command.args.push_back(std::move(decl));
  }
  return command;
}

} // namespace distill::frontend
