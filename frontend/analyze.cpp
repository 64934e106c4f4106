#include "frontend/analyze.hpp"

#include "frontend/go_quote.hpp"
#include "frontend/image_reference.hpp"
#include "frontend/platform_args.hpp"
#include "frontend/shell_lexer.hpp"
#include "frontend/stage_dispatch.hpp"
#include "frontend/stage_graph.hpp"
#include "frontend/suggest.hpp"
#include "frontend/typed_support.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace distill::frontend {
namespace {

constexpr std::string_view k_default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// A stage as the typed layer splits the file: its FROM and its commands.
struct RawStage {
  FromCommand from;
  std::vector<Command> commands;
};

struct Split {
  std::vector<ArgCommand> globals;
  std::vector<RawStage> stages;
};

// instructions.Parse: ARGs before the first FROM are global; anything else
// there has no stage.
Split split_stages(const Document& document, support::DiagnosticSink& sink) {
  Split split;
  bool skipping = false; // after a FROM that could not be typed
  for (const auto& instruction : document.instructions) {
    auto command = build_command(instruction, document.escape, sink);
    if (instruction.command == "from") {
      skipping = !command;
      if (command) split.stages.push_back(RawStage{std::get<FromCommand>(std::move(*command)), {}});
      continue;
    }
    if (split.stages.empty() && !skipping) {
      if (command && std::holds_alternative<ArgCommand>(*command)) {
        split.globals.push_back(std::get<ArgCommand>(std::move(*command)));
      } else if (command) {
        report_error(sink, "no-build-stage", instruction.where, "no build stage in current context",
                     "start the file with FROM (only ARG may come before the first FROM)");
      }
      continue;
    }
    if (command && !skipping) split.stages.back().commands.push_back(std::move(*command));
  }
  return split;
}

// Global ARGs: the predefined ones, then each ARG before the first FROM, its
// default expanded against the ones before it unless a --build-arg is given.
std::vector<ArgValue> global_args(std::vector<ArgCommand>& commands, const BuildOptions& options,
                                  const std::map<std::string, std::string>& build_args, char escape,
                                  support::DiagnosticSink& sink) {
  std::vector<ArgValue> globals = predefined_args(options, options.target);
  const auto set = [&](const std::string& name, std::optional<std::string> value) {
    for (auto& arg : globals) {
      if (arg.name == name) {
        if (value) arg.value = std::move(value);
        return;
      }
    }
    globals.push_back(ArgValue{name, std::move(value)});
  };
  for (auto& command : commands) {
    for (auto& decl : command.args) {
      const auto build_arg = build_args.find(decl.name.raw);
      if (build_arg != build_args.end()) {
        set(decl.name.raw, build_arg->second);
        continue;
      }
      if (!decl.default_value) {
        set(decl.name.raw, std::nullopt);
        continue;
      }
      ShellEnv env;
      for (const auto& arg : globals) {
        if (arg.value) env[arg.name] = *arg.value;
      }
      LexerOptions lexer;
      lexer.escape = escape;
      auto value = process_word(decl.default_value->raw, env, lexer);
      if (!value) {
        report_error(sink, "expansion", decl.default_value->where, value.error().message);
        set(decl.name.raw, std::string());
        continue;
      }
      decl.default_value->value = value->result;
      set(decl.name.raw, value->result);
    }
  }
  return globals;
}

ShellEnv to_env(const std::vector<ArgValue>& args) {
  ShellEnv env;
  for (const auto& arg : args) {
    if (arg.value) env[arg.name] = *arg.value;
  }
  return env;
}

// FROM: the base name and --platform, expanded with the global ARGs only.
Stage make_stage(RawStage& raw, int index, const StageNames& earlier, const ShellEnv& globals, char escape,
                 support::DiagnosticSink& sink) {
  Stage stage;
  stage.index = index;
  stage.from = std::move(raw.from);
  stage.name = stage.from.stage_name;
  stage.display_name = stage.name.empty() ? fmt::format("stage-{}", index) : stage.name;
  stage.base_as_written = stage.from.base.raw;
  LexerOptions lexer;
  lexer.escape = escape;
  auto base = process_word(stage.from.base.raw, globals, lexer);
  if (!base) {
    report_error(sink, "expansion", stage.from.base.where, base.error().message);
  } else if (base->result.empty()) {
    report_error(sink, "blank-base", stage.from.base.where,
                 fmt::format("base name ({}) should not be blank", stage.from.base.raw),
                 "give the ARG a default or pass --build-arg");
  } else {
    stage.from.base.value = base->result;
  }
  stage.base_name = stage.from.base.value;
  if (stage.from.platform) {
    Word& platform = *stage.from.platform;
    auto expanded = process_word(platform.raw, globals, lexer);
    if (!expanded) {
      report_error(sink, "expansion", platform.where,
                   fmt::format("failed to process arguments for platform {}: {}", platform.raw,
                               expanded.error().message));
    } else if (expanded->result.empty()) {
      report_error(sink, "invalid-platform", platform.where,
                   fmt::format("empty platform value from expression {}", platform.raw));
    } else if (auto parsed = parse_platform(expanded->result); !parsed) {
      report_error(sink, "invalid-platform", platform.where,
                   fmt::format("failed to parse platform {}: {}", expanded->result, parsed.error().message));
    } else {
      platform.value = expanded->result;
      stage.platform = format_platform(*parsed);
    }
  }
  // A base that names an earlier stage (exactly: names are lower-case) builds on it.
  if (const auto found = earlier.find(stage.base_name); found != earlier.end()) stage.base_stage = found->second;
  if (stage.base_stage >= 0) {
    stage.base_kind = BaseKind::stage;
  } else if (stage.base_name == "scratch") {
    stage.base_kind = BaseKind::scratch;
  } else {
    stage.base_kind = BaseKind::image;
    // Only a base that expanded to something is checked (else it was reported).
    if (base && !base->result.empty()) {
      if (auto checked = check_image_reference(stage.base_name); !checked) {
        report_error(sink, "invalid-reference", stage.from.base.where,
                     fmt::format("failed to parse stage name {}: {}", go_quote(stage.base_name),
                                 checked.error().message));
      }
    }
  }
  return stage;
}

// The ONBUILD triggers a stage defines (run by stages built on it).
std::vector<Command> onbuild_triggers(const std::vector<Command>& commands) {
  std::vector<Command> out;
  for (const auto& command : commands) {
    if (const auto* onbuild = std::get_if<OnbuildCommand>(&command)) {
      out.insert(out.end(), onbuild->inner.begin(), onbuild->inner.end());
    }
  }
  return out;
}

// BuildKit's toCommand lexes --from with no variables set and refuses it if
// that changes anything (a variable, a quote, an escape).
bool from_is_literal(const Word& from, char escape, support::DiagnosticSink* sink) {
  LexerOptions lexer;
  lexer.escape = escape;
  auto processed = process_word(from.raw, ShellEnv{}, lexer);
  if (processed && processed->result == from.raw) return true;
  if (sink) {
    report_error(*sink, "expansion", from.where,
                 processed ? "variable expansion is not supported for --from, define a new stage with FROM using ARG "
                             "from global scope as a workaround"
                           : processed.error().message,
                 "name the image in a stage: ARG V before the first FROM, FROM image:$V AS name, COPY --from=name");
  }
  return false;
}

// Sets from_stage on a COPY --from and on RUN mounts with from=; returns the
// stages it uses. Reports a --from that uses variables or an index out of range.
std::vector<int> resolve_command_sources(Command& command, const std::vector<Stage>& stages,
                                         const StageNames& names, char escape, support::DiagnosticSink* sink) {
  std::vector<int> used;
  if (auto* copy = std::get_if<CopyCommand>(&command); copy && copy->from && !copy->from->raw.empty()) {
    if (!from_is_literal(*copy->from, escape, sink)) return used;
    const StageReference ref = resolve_copy_from(stages.size(), names, copy->from->raw);
    if (ref.invalid_index && sink) {
      report_error(*sink, "invalid-stage-index", copy->from->where, fmt::format("invalid stage index {}", ref.index));
    }
    copy->from_stage = ref.stage;
    if (ref.stage >= 0) used.push_back(ref.stage);
  }
  if (auto* run = std::get_if<RunCommand>(&command)) {
    for (auto& mount : run->mounts) {
      if (mount.from.empty()) continue;
      mount.from_stage = find_stage_by_name(names, mount.from);
      if (mount.from_stage >= 0) used.push_back(mount.from_stage);
    }
  }
  return used;
}

struct Edges {
  std::vector<std::vector<int>> copies; // stage -> stages it copies or mounts from
};

// Dependencies through COPY --from and RUN --mount from= (BuildKit's
// toCommand / detectRunMount), resolved on the typed commands.
Edges resolve_sources(std::vector<Stage>& stages, std::vector<std::vector<Command>>& commands, char escape,
                      support::DiagnosticSink& sink) {
  Edges edges;
  edges.copies.resize(stages.size());
  const StageNames names = index_stage_names(stages);
  for (std::size_t s = 0; s < stages.size(); ++s) {
    auto& deps = edges.copies[s];
    for (auto& command : commands[s]) {
      const auto used = resolve_command_sources(command, stages, names, escape, &sink);
      deps.insert(deps.end(), used.begin(), used.end());
    }
    auto all = deps;
    if (stages[s].base_stage >= 0) all.push_back(stages[s].base_stage);
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    stages[s].depends_on = all;
  }
  return edges;
}

// A source stage must come before the stage that uses it.
void check_source_order(const Stage& stage, const Command& command, support::DiagnosticSink& sink,
                        support::Severity severity) {
  const std::string hint = severity == support::Severity::error
                               ? "move the source stage above this one"
                               : "the target does not need this stage, so BuildKit would not report this";
  if (const auto* copy = std::get_if<CopyCommand>(&command); copy && copy->from_stage >= stage.index) {
    sink.report({severity, "stage-order", copy->from->where,
                 fmt::format("cannot copy from stage {}, it needs to be defined before current stage {}",
                             go_quote(copy->from->raw), go_quote(stage.display_name)),
                 hint});
  }
  if (const auto* run = std::get_if<RunCommand>(&command)) {
    for (const auto& mount : run->mounts) {
      if (mount.from_stage < stage.index) continue;
      sink.report({severity, "stage-order", mount.where,
                   fmt::format("cannot mount from stage {} to {}, stage needs to be defined before current command",
                               go_quote(mount.from), go_quote(mount.target)),
                   hint});
    }
  }
}

Step make_step(Command command, const StageState& state, bool trigger) {
  Step step;
  step.command = std::move(command);
  step.env = state.env;
  step.args = state.args;
  step.workdir = state.workdir;
  step.user = state.user;
  step.shell = state.shell;
  step.onbuild_trigger = trigger;
  return step;
}

void dispatch_stage(Stage& stage, std::vector<Command>& commands, const std::vector<Stage>& stages,
                    const StageNames& names, const std::vector<std::vector<Command>>& all_commands,
                    const DispatchContext& context, bool check_order) {
  StageState state;
  std::vector<Command> triggers;
  if (stage.base_stage >= 0) {
    const Stage& base = stages[stage.base_stage];
    state.env = base.env;
    state.args = base.args;
    state.workdir = base.workdir;
    state.user = base.user;
    state.shell = base.shell;
    triggers = onbuild_triggers(all_commands[stage.base_stage]);
  } else {
    // BuildKit sets PATH when the base image has none; an image's own ENV is
    // not known here, so its PATH is assumed to be the default.
    set_env(state.env, "PATH", std::string(k_default_path));
  }
  for (auto& trigger : triggers) {
    resolve_command_sources(trigger, stages, names, context.escape, nullptr);
    dispatch_command(trigger, state, context);
    stage.steps.push_back(make_step(std::move(trigger), state, true));
  }
  for (auto& command : commands) {
    dispatch_command(command, state, context);
    if (check_order) check_source_order(stage, command, context.sink, context.severity);
    stage.steps.push_back(make_step(std::move(command), state, false));
  }
  stage.env = state.env;
  stage.args = state.args;
  stage.workdir = state.workdir;
  stage.user = state.user;
  stage.shell = state.shell;
}

int find_target(const std::vector<Stage>& stages, const std::string& target, support::DiagnosticSink& sink) {
  if (stages.empty()) return -1;
  if (target.empty()) return static_cast<int>(stages.size()) - 1;
  const int found = find_stage_by_name(index_stage_names(stages), target);
  if (found < 0) {
    std::vector<std::string_view> names;
    for (const auto& stage : stages) {
      if (!stage.name.empty()) names.push_back(stage.name);
    }
    report_error(sink, "unknown-target", SourceRange{},
                 with_suggestion(fmt::format("target stage {} could not be found", go_quote(target)), target, names,
                                 false));
  }
  return found;
}

} // namespace

Build analyze(const Document& document, const BuildOptions& options, support::DiagnosticSink& sink) {
  Build build;
  build.escape = document.escape;
  build.options = options;
  std::map<std::string, std::string> build_args;
  for (const auto& [key, value] : options.build_args) build_args[key] = value;

  Split split = split_stages(document, sink);
  build.global_args = global_args(split.globals, options, build_args, document.escape, sink);
  build.global_arg_commands = split.globals;
  const ShellEnv globals = to_env(build.global_args);

  std::vector<std::vector<Command>> commands;
  StageNames earlier;
  for (std::size_t i = 0; i < split.stages.size(); ++i) {
    build.stages.push_back(make_stage(split.stages[i], static_cast<int>(i), earlier, globals, document.escape, sink));
    if (!build.stages.back().name.empty()) earlier[build.stages.back().name] = static_cast<int>(i);
    commands.push_back(std::move(split.stages[i].commands));
  }
  const StageNames names = index_stage_names(build.stages);
  build.target = find_target(build.stages, options.target, sink);

  Edges edges = resolve_sources(build.stages, commands, document.escape, sink);
  // ONBUILD triggers of a base stage run in the child, with their sources.
  for (std::size_t s = 0; s < build.stages.size(); ++s) {
    const int base = build.stages[s].base_stage;
    if (base < 0) continue;
    for (auto& trigger : onbuild_triggers(commands[base])) {
      for (int used : resolve_command_sources(trigger, build.stages, names, document.escape, nullptr)) {
        edges.copies[s].push_back(used);
        build.stages[s].depends_on.push_back(used);
      }
    }
    auto& deps = build.stages[s].depends_on;
    std::sort(deps.begin(), deps.end());
    deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
  }

  const auto cycle = find_cycle(edges.copies);
  if (cycle) {
    report_error(sink, "stage-cycle", build.stages[*cycle].from.where,
                 fmt::format("circular dependency detected on stage: {}", build.stages[*cycle].display_name));
  }
  mark_needed(build.stages, build.target);

  for (std::size_t s = 0; s < build.stages.size(); ++s) {
    Stage& stage = build.stages[s];
    const DispatchContext context{document.escape, build.global_args, build_args, sink,
                                  stage.needed || build.target < 0 ? support::Severity::error
                                                                   : support::Severity::warning};
    // Dispatch a copy: base stages' ONBUILD triggers need the typed originals.
    std::vector<Command> stage_commands = commands[s];
    dispatch_stage(stage, stage_commands, build.stages, names, commands, context, !cycle);
  }
  return build;
}

} // namespace distill::frontend
