// BuildKit's build checks (dockerfile-language.md section 11) that need only
// the syntax tree and the stages, with BuildKit's names and messages.

#include "planner/lint/context.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include <fmt/format.h>

namespace distill::planner::lint {
namespace {

using namespace frontend;

template <typename Predicate> bool all_letters(std::string_view text, Predicate predicate) {
  return std::ranges::all_of(text, [&](char c) {
    return !std::isalpha(static_cast<unsigned char>(c)) || predicate(static_cast<unsigned char>(c));
  });
}

void check_casing(const LintContext& context) {
  int lower = 0;
  int upper = 0;
  for (const Instruction& instruction : context.document.instructions) {
    if (is_lower(instruction.keyword)) ++lower;
    else if (is_upper(instruction.keyword)) ++upper;
  }
  const bool want_upper = upper >= lower;
  for (const Instruction& instruction : context.document.instructions) {
    if (want_upper ? is_upper(instruction.keyword) : is_lower(instruction.keyword)) continue;
    context.report("ConsistentInstructionCasing", instruction.keyword_where,
                   fmt::format("command '{}' should match the case of the command majority ({})", instruction.keyword,
                               want_upper ? "uppercase" : "lowercase"));
  }
}

void check_stage_names(const LintContext& context) {
  std::set<std::string, std::less<>> seen;
  for (const Stage& stage : context.build.stages) {
    const FromCommand& from = stage.from;
    if (!from.stage_name_word.raw.empty()) {
      const Word& name = from.stage_name_word;
      if (!is_lower(name.raw)) {
        context.report("StageNameCasing", name.where, fmt::format("stage name '{}' should be lowercase", name.raw));
      }
      if (!seen.insert(from.stage_name).second) {
        context.report("DuplicateStageName", name.where,
                       fmt::format("duplicate stage name \"{}\", stage names should be unique", from.stage_name));
      }
      if (from.stage_name == "scratch" || from.stage_name == "context") {
        context.report("ReservedStageName", name.where,
                       fmt::format("stage name should not use the same name as reserved stage \"{}\"", from.stage_name));
      }
    }
    if (!from.as_keyword.empty()) {
      const bool mismatch = (is_upper(from.keyword) && !is_upper(from.as_keyword)) ||
                            (is_lower(from.keyword) && !is_lower(from.as_keyword));
      if (mismatch) {
        context.report("FromAsCasing", from.as_where,
                       fmt::format("'{}' and '{}' keywords' casing do not match", from.as_keyword, from.keyword));
      }
    }
  }
}

void check_multiple(const LintContext& context, const Stage& stage) {
  const Step* last[3] = {nullptr, nullptr, nullptr};
  static constexpr std::string_view k_names[3] = {"CMD", "ENTRYPOINT", "HEALTHCHECK"};
  for (const Step& step : stage.steps) {
    if (step.onbuild_trigger) continue;
    int kind = std::holds_alternative<CmdCommand>(step.command)          ? 0
               : std::holds_alternative<EntrypointCommand>(step.command) ? 1
               : std::holds_alternative<HealthcheckCommand>(step.command) ? 2
                                                                          : -1;
    if (kind < 0) continue;
    if (last[kind] != nullptr) {
      context.report("MultipleInstructionsDisallowed", command_where(last[kind]->command),
                     fmt::format("multiple {} instructions should not be used in the same stage because only the "
                                 "last one will be used",
                                 k_names[kind]));
    }
    last[kind] = &step;
  }
}

bool stage_sets_workdir(const std::vector<Stage>& stages, const Stage& stage) {
  const Stage* current = &stage;
  for (std::size_t guard = 0; guard <= stages.size(); ++guard) {
    if (current->base_kind != BaseKind::stage || current->base_stage < 0) return false;
    current = &stages[static_cast<std::size_t>(current->base_stage)];
    if (std::ranges::any_of(current->steps,
                            [](const Step& step) { return std::holds_alternative<WorkdirCommand>(step.command); })) {
      return true;
    }
  }
  return false;
}

void check_steps(const LintContext& context, const Stage& stage) {
  bool absolute = stage_sets_workdir(context.build.stages, stage);
  bool shell_set = false;
  for (const Step& step : stage.steps) {
    if (step.onbuild_trigger) continue;
    const Command& command = step.command;
    if (std::holds_alternative<ShellCommand>(command) || step.shell != std::vector<std::string>{"/bin/sh", "-c"}) {
      shell_set = true;
    }
    if (const auto* cmd = std::get_if<CmdCommand>(&command); cmd && cmd->command.shell_form && !shell_set) {
      context.report("JSONArgsRecommended", cmd->where,
                     "JSON arguments recommended for CMD to prevent unintended behavior related to OS signals");
    } else if (const auto* entry = std::get_if<EntrypointCommand>(&command);
               entry && entry->command.shell_form && !shell_set) {
      context.report("JSONArgsRecommended", entry->where,
                     "JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals");
    } else if (const auto* maintainer = std::get_if<MaintainerCommand>(&command)) {
      context.report("MaintainerDeprecated", maintainer->where,
                     "maintainer instruction is deprecated in favor of using label");
    } else if (const auto* workdir = std::get_if<WorkdirCommand>(&command)) {
      if (workdir->path.value.starts_with('/')) {
        absolute = true;
      } else if (!absolute) {
        context.report("WorkdirRelativePath", workdir->path.where,
                       fmt::format("relative workdir \"{}\" can have unexpected results if the base image changes",
                                   workdir->path.value));
      }
    } else if (const auto* env = std::get_if<EnvCommand>(&command)) {
      for (const KeyValue& pair : env->env) {
        if (pair.legacy) {
          context.report("LegacyKeyValueFormat", pair.where,
                         "\"ENV key=value\" should be used instead of legacy \"ENV key value\" format");
        }
      }
    } else if (const auto* label = std::get_if<LabelCommand>(&command)) {
      for (const KeyValue& pair : label->labels) {
        if (pair.legacy) {
          context.report("LegacyKeyValueFormat", pair.where,
                         "\"LABEL key=value\" should be used instead of legacy \"LABEL key value\" format");
        }
      }
    } else if (const auto* expose = std::get_if<ExposeCommand>(&command)) {
      for (const Word& port : expose->ports) {
        const std::size_t slash = port.raw.find('/');
        if (slash != std::string::npos && !is_lower(std::string_view(port.raw).substr(slash + 1))) {
          context.report("ExposeProtoCasing", port.where,
                         fmt::format("defined protocol '{}' in EXPOSE instruction should be lowercase", port.raw));
        }
      }
    }
  }
}

} // namespace

bool is_lower(std::string_view text) {
  return all_letters(text, [](unsigned char c) { return std::islower(c) != 0; });
}

bool is_upper(std::string_view text) {
  return all_letters(text, [](unsigned char c) { return std::isupper(c) != 0; });
}

void check_buildkit(const LintContext& context) {
  check_casing(context);
  check_stage_names(context);
  for (const Stage& stage : context.build.stages) {
    check_multiple(context, stage);
    check_steps(context, stage);
  }
}

} // namespace distill::planner::lint
