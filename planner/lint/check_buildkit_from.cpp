// BuildKit's build checks on FROM, ARG and EXPOSE (dockerfile-language.md
// section 11): RedundantTargetPlatform, FromPlatformFlagConstDisallowed,
// UndefinedArgInFrom, InvalidDefaultArgInFrom, ExposeInvalidFormat and the
// experimental InvalidDefinitionDescription, with BuildKit's messages.

#include "frontend/image_reference.hpp"
#include "frontend/shell_lexer.hpp"
#include "frontend/suggest.hpp"
#include "planner/lint/context.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <cctype>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace distill::planner::lint {
namespace {

using namespace frontend;

constexpr std::array<std::string_view, 8> k_builtin_args = {"BUILDPLATFORM", "BUILDOS",      "BUILDARCH",
                                                           "BUILDVARIANT",  "TARGETPLATFORM", "TARGETOS",
                                                           "TARGETARCH",    "TARGETVARIANT"};

struct VariableUse {
  std::string name;
};

std::string lower_case(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// The variables a FROM word refers to ($X, ${X}, ${X:-d}); `escape` before `$`
// quotes it. Read from the text rather than from an expansion, which never
// looks up a name inside a default that is not taken (${A:-$B}).
std::vector<VariableUse> variables_in(std::string_view text, char escape) {
  std::vector<VariableUse> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == escape) {
      ++i;
      continue;
    }
    if (text[i] != '$' || i + 1 >= text.size()) continue;
    const bool braced = text[i + 1] == '{';
    std::size_t begin = i + (braced ? 2 : 1);
    std::size_t end = begin;
    while (end < text.size() && name_char(text[end])) ++end;
    if (end == begin) continue;
    out.push_back(VariableUse{std::string(text.substr(begin, end - begin))});
    i = end - 1;
  }
  return out;
}

// The base name as a build without --build-arg sees it: global ARG defaults
// and the built-in platform ARGs only. nullopt when it cannot be expanded.
std::optional<std::string> base_with_defaults(const Build& build, const Word& base) {
  ShellEnv env;
  for (const ArgValue& arg : build.global_args) {
    if (arg.value && std::ranges::find(k_builtin_args, arg.name) != k_builtin_args.end()) env[arg.name] = *arg.value;
  }
  for (const ArgCommand& command : build.global_arg_commands) {
    for (const ArgDecl& decl : command.args) {
      if (decl.default_value) env[decl.name.value] = decl.default_value->value;
      else env.erase(decl.name.value);
    }
  }
  LexerOptions options;
  options.escape = build.escape;
  auto expanded = process_word(base.raw, env, options);
  if (!expanded) return std::nullopt;
  return expanded->result;
}

void check_from_args(const LintContext& context, const Stage& stage) {
  std::vector<std::string_view> known(k_builtin_args.begin(), k_builtin_args.end());
  for (const ArgCommand& command : context.build.global_arg_commands) {
    for (const ArgDecl& decl : command.args) known.push_back(decl.name.value);
  }
  const auto check_word = [&](const Word& word) {
    for (const VariableUse& use : variables_in(word.raw, context.build.escape)) {
      if (std::ranges::find(known, use.name) != known.end()) continue;
      context.report("UndefinedArgInFrom", word.where,
                     with_suggestion(fmt::format("FROM argument '{}' is not declared", use.name), use.name, known, true));
    }
  };
  check_word(stage.from.base);
  if (stage.from.platform) check_word(*stage.from.platform);
  if (stage.from.base.raw.find('$') == std::string::npos) return;
  const auto base = base_with_defaults(context.build, stage.from.base);
  if (base && (base->empty() || !check_image_reference(*base))) {
    context.report("InvalidDefaultArgInFrom", stage.from.base.where,
                   fmt::format("default value for ARG {} results in empty or invalid base image name",
                               stage.from.base.raw));
  }
}

void check_platform(const LintContext& context, const Stage& stage) {
  if (!stage.from.platform) return;
  const Word& platform = *stage.from.platform;
  if (platform.raw == "$TARGETPLATFORM" || platform.raw == "${TARGETPLATFORM}") {
    context.report("RedundantTargetPlatform", platform.where,
                   "setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior");
    return;
  }
  if (platform.raw.find('$') != std::string::npos) return;
  // A stage named after its platform (FROM --platform=linux/arm64 AS build-arm64) is built for it on purpose.
  const std::string& value = platform.value.empty() ? platform.raw : platform.value;
  const std::size_t slash = value.find('/');
  const std::string os = value.substr(0, slash);
  const std::string arch = slash == std::string::npos ? "" : value.substr(slash + 1, value.find('/', slash + 1) - slash - 1);
  const std::string& name = stage.name;
  if (!name.empty() && ((!os.empty() && name.find(os) != std::string::npos) ||
                        (!arch.empty() && name.find(arch) != std::string::npos))) {
    return;
  }
  context.report("FromPlatformFlagConstDisallowed", platform.where,
                 fmt::format("FROM --platform flag should not use constant value \"{}\"", platform.raw));
}

void check_expose(const LintContext& context, const ExposeCommand& expose) {
  for (const Word& port : expose.ports) {
    if (port.raw.find(':') == std::string::npos) continue;
    context.report("ExposeInvalidFormat", port.where,
                   fmt::format("EXPOSE instruction should not define an IP address or host-port mapping, found '{}'",
                               port.raw));
  }
}

// BuildKit reads the last comment line above FROM ... AS name or ARG as its
// description when it has one; its first word must be the name.
void check_descriptions(const LintContext& context) {
  for (const Instruction& instruction : context.document.instructions) {
    if (instruction.comments.empty()) continue;
    std::vector<std::string> names;
    const std::string keyword = lower_case(instruction.keyword);
    if (keyword == "from" && instruction.args.size() == 3 && lower_case(instruction.args[1].value) == "as") {
      names.push_back(instruction.args[2].value);
    } else if (keyword == "arg") {
      for (const auto& arg : instruction.args) names.push_back(arg.value.substr(0, arg.value.find('=')));
    }
    if (names.empty()) continue;
    const std::string& last = instruction.comments.back();
    const std::size_t begin = last.find_first_not_of(" \t");
    const std::string first = begin == std::string::npos ? "" : last.substr(begin, last.find(' ', begin) - begin);
    if (std::ranges::find(names, first) != names.end()) continue;
    context.report("InvalidDefinitionDescription", instruction.where,
                   fmt::format("comment for {} should follow the format: `# {} <description>`",
                               keyword == "from" ? "build stage" : "build argument",
                               names.size() == 1 ? names.front() : "<arg_key>"));
  }
}

} // namespace

void check_buildkit_from(const LintContext& context) {
  for (const Stage& stage : context.build.stages) {
    check_from_args(context, stage);
    check_platform(context, stage);
    for (const Step& step : stage.steps) {
      if (step.onbuild_trigger) continue;
      if (const auto* expose = std::get_if<ExposeCommand>(&step.command)) check_expose(context, *expose);
    }
  }
  check_descriptions(context);
}

} // namespace distill::planner::lint
