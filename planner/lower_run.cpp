// RUN: the Run op as written, or the ops of the rewrite.

#include "planner/history.hpp"
#include "planner/lower_detail.hpp"
#include "planner/rewrite/run_rewrite.hpp"
#include "planner/run_script.hpp"
#include "planner/script_map.hpp"

#include <algorithm>

namespace distill::planner::detail {
namespace {

bool posix_shell(const std::vector<std::string>& shell) {
  if (shell.empty()) return true;
  const std::string& program = shell.front();
  return is_shell_name(program.substr(program.rfind('/') == std::string::npos ? 0 : program.rfind('/') + 1));
}

// The options SHELL turns on with its own flags: ["/bin/bash", "-eo", "pipefail", "-c"].
shell::ShellOptions shell_flags(const std::vector<std::string>& shell) {
  shell::ShellOptions options;
  for (std::size_t i = 1; i < shell.size(); ++i) {
    const std::string& flag = shell[i];
    if (flag == "-c") break;
    if (flag.size() < 2 || flag[0] != '-' || flag[1] == '-') continue;
    if (flag == "-o" && i + 1 < shell.size()) {
      const std::string& name = shell[++i];
      options.errexit = options.errexit || name == "errexit";
      options.pipefail = options.pipefail || name == "pipefail";
      continue;
    }
    for (std::size_t k = 1; k < flag.size(); ++k) {
      if (flag[k] == 'e') options.errexit = true;
      if (flag[k] == 'o' && i + 1 < shell.size() && shell[i + 1] == "pipefail") options.pipefail = true;
    }
  }
  return options;
}

// The platform the stage's RUN steps execute on: its FROM --platform, else
// the one of the stage it is built on, else the target platform.
std::string stage_platform(const LowerContext& context) {
  const Stage* stage = &context.stage;
  for (std::size_t hops = 0; hops <= context.plan.stages.size(); ++hops) {
    if (!stage->base.platform.empty()) return stage->base.platform;
    const auto* base = std::get_if<StageBase>(&stage->base.kind);
    if (!base || base->stage < 0 || static_cast<std::size_t>(base->stage) >= context.plan.stages.size()) break;
    stage = &context.plan.stages[static_cast<std::size_t>(base->stage)];
  }
  return context.build.options.target_platform;
}

bool is_root(const std::string& user) {
  return user.empty() || user == "root" || user == "0" || user.starts_with("root:") || user.starts_with("0:");
}

Mount lower_mount(const frontend::RunMount& source, const frontend::Build& build, int stage) {
  Mount mount;
  mount.type = static_cast<MountType>(static_cast<int>(source.type));
  mount.target = source.target;
  mount.source = source.source;
  mount.from = source.from;
  mount.from_stage = resolve_stage(build, source.from, stage);
  mount.readonly = source.read_only;
  mount.id = source.id;
  mount.sharing = source.sharing;
  mount.uid = source.uid;
  mount.gid = source.gid;
  mount.mode = source.mode;
  mount.required = source.required;
  mount.env = source.env;
  if (source.size) mount.size = static_cast<unsigned long long>(*source.size);
  return mount;
}

// What the RUN runs, for its history text.
std::vector<std::string> history_args(const frontend::RunCommand& run, const std::vector<std::string>& shell) {
  const frontend::CommandLine& line = run.command;
  std::vector<std::string> args;
  if (!line.shell_form) {
    for (const frontend::Word& word : line.args) args.push_back(word.value);
    return args;
  }
  args = shell;
  const RunScript script = run_script(run);
  args.push_back(script.interpreter().empty() ? script.text : "/dev/pipes/" + script.heredoc->name);
  return args;
}

} // namespace

void lower_run(LowerContext& context, const frontend::Step& step, const frontend::RunCommand& source) {
  const frontend::CommandLine& line = source.command;
  const int stage_index = context.stage.index;
  Run run;
  run.shell_form = line.shell_form;
  run.shell = step.shell;
  for (const auto& pair : step.env) run.env.push_back(pair);
  std::vector<std::string> history_build_args;
  for (const frontend::ArgValue& arg : step.args) {
    const auto in_env = std::ranges::find_if(step.env, [&](const auto& pair) { return pair.first == arg.name; });
    const std::string value = in_env != step.env.end() ? in_env->second : arg.value.value_or("");
    const std::string entry = arg.name + "=" + value;
    if (std::ranges::find(history_build_args, entry) == history_build_args.end()) history_build_args.push_back(entry);
    if (in_env == step.env.end() && arg.value) {
      run.env.emplace_back(arg.name, *arg.value);
      run.build_args.push_back(arg.name);
    }
  }
  run.user = step.user;
  run.workdir = step.workdir;
  for (const frontend::RunMount& mount : source.mounts) run.mounts.push_back(lower_mount(mount, context.build, stage_index));
  if (source.network) run.network = source.network->value;
  if (source.security) run.security = source.security->value;
  const std::string text = line.args.empty() ? std::string() : line.args.front().raw;
  if (line.shell_form) {
    run.script = text;
  } else {
    for (const frontend::Word& word : line.args) run.argv.push_back(word.value);
  }
  for (const frontend::HeredocFile& file : line.files) {
    run.heredocs.push_back({file.name, heredoc_content(file), file.fd});
  }
  run.where = {source.where};
  const std::string created_by = run_history(history_args(source, step.shell), history_build_args);

  RewriteNote note;
  note.where = {source.where};
  note.stage = static_cast<int>(context.plan.stages.size()); // the stage being lowered comes next
  const auto keep = [&](std::string cause, std::string reason) {
    Run kept = run;
    kept.reason = reason;
    note.outcome = RewriteNote::Outcome::kept;
    note.cause = std::move(cause);
    note.reason = std::move(reason);
    context.stage.steps.push_back({std::move(kept), created_by});
    context.plan.notes.push_back(note);
  };
  if (!context.options.rewrite) {
    keep("not-rewritten", "as written (--before)");
    return;
  }
  if (line.shell_form && !posix_shell(step.shell)) {
    keep("not-posix-shell", "SHELL " + step.shell.front() + " is not a POSIX shell");
    return;
  }

  // The script the shell runs, and where its bytes are in the file.
  const RunScript script = run_script(source);
  if (const std::string interpreter = script.interpreter(); !interpreter.empty()) {
    keep("heredoc-script", "runs a here-document with its own interpreter (#!" + interpreter + ")");
    return;
  }
  rewrite::RunScriptContext rewrite_context;
  for (const auto& [key, value] : run.env) rewrite_context.variables.emplace(key, value);
  for (const auto& [key, value] : step.env) rewrite_context.variables[key] = value;
  rewrite_context.workdir = step.workdir.empty() ? "/" : step.workdir;
  rewrite_context.root = is_root(step.user);
  rewrite_context.sources_changed = context.state.sources_changed;
  rewrite_context.complete_environment = context.state.complete_environment;
  // A base whose environment the plan cannot list is a pulled image (or layout, or a stage of one).
  rewrite_context.base_image_env = !context.state.complete_environment;
  for (const frontend::ArgValue& arg : step.args) {
    if (!arg.value && !rewrite_context.variables.contains(arg.name)) rewrite_context.shadowed.insert(arg.name);
  }
  for (const Mount& mount : run.mounts) {
    if (!mount.env.empty()) rewrite_context.shadowed.insert(mount.env);
  }
  rewrite_context.options = shell_flags(step.shell);
  rewrite_context.platform = stage_platform(context);
  const rewrite::RunRewrite result = line.shell_form ? rewrite::rewrite_run_script(script.text, rewrite_context)
                                                     : rewrite::rewrite_run_argv(run.argv, rewrite_context);
  if (result.needs_lists && context.state.lists == 1) {
    // The step reads package lists that a rewritten `apt-get update` no longer leaves.
    Run update = run;
    update.shell_form = true;
    update.script = "apt-get update";
    update.argv.clear();
    update.heredocs.clear();
    update.reason = "fetches the package lists that the rewritten apt-get update left for later steps";
    update.where = context.state.lists_where;
    context.stage.steps.push_back({std::move(update), created_by});
    context.state.lists = 2;
  }
  note.install_commands = result.install_commands;
  note.installs_rewritten = result.installs_rewritten;
  note.findings = result.findings;
  if (result.outcome == RewriteNote::Outcome::kept) {
    keep(result.cause, result.reason);
  } else {
    const ScriptMap map(context.file, script.start, script.text, context.build.escape, source.where, script.strip_tabs);
    for (const rewrite::PlacedOp& placed : result.ops) {
      Op op = placed.op;
      Ranges where;
      for (const auto& [begin, end] : placed.spans) where.push_back(map.range(begin, end));
      if (auto* piece = std::get_if<Run>(&op)) {
        Run shell = run;
        shell.shell_form = true;
        shell.argv.clear();
        shell.heredocs.clear();
        shell.script = piece->script;
        shell.saved_manual = piece->saved_manual;
        shell.reason = piece->reason;
        op = std::move(shell);
      }
      set_where(op, std::move(where));
      context.stage.steps.push_back({std::move(op), created_by});
    }
    note.outcome = result.outcome;
    note.reason = result.reason;
    note.cause = result.cause;
    context.plan.notes.push_back(note);
  }
  if (!result.sources_changed.empty()) {
    context.state.sources_changed = "line " + std::to_string(source.where.begin.line) + ": " + result.sources_changed;
  }
  if (result.lists_after == 1) {
    context.state.lists = 1;
    context.state.lists_where = {source.where};
  } else if (result.lists_after != 0) {
    context.state.lists = result.lists_after;
  }
}

} // namespace distill::planner::detail
