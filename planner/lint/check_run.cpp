// Rules on the shell commands of RUN: apt, apk, pip, npm, go, downloads
// piped to a shell, sudo, chmod 777. Scripts are read with planner/shell and
// apt commands with planner/rewrite/apt_command; ScriptMap gives each command
// its range in the Dockerfile.

#include "planner/lint/context.hpp"
#include "planner/lint/run_view.hpp"
#include "planner/run_script.hpp"
#include "planner/lint/shell_args.hpp"
#include "planner/rewrite/apt_command.hpp"
#include "planner/script_map.hpp"
#include "planner/shell/reader.hpp"
#include "planner/shell/walk.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>

namespace distill::planner::lint {
namespace {

using frontend::CopyCommand;
using frontend::RunCommand;
using frontend::Stage;
using frontend::Step;
using frontend::Word;

struct RunFacts {
  bool update = false;
  bool install = false;
  bool lists_cleaned = false;
  support::SourceRange update_where;
};

std::string list_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < 5; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > 5) out += fmt::format(" and {} more", names.size() - 5);
  return out;
}

// Reports `rule` over the words at `indexes` of `args` (one finding).
void report_words(const LintContext& context, const ScriptMap& map, const ShellArgs& args,
                  const std::vector<std::size_t>& indexes, std::string_view rule, std::string_view what) {
  if (indexes.empty()) return;
  std::vector<std::string> names;
  for (std::size_t i : indexes) names.push_back(args.values[i]);
  const shell::Word& first = *args.words[indexes.front()];
  const shell::Word& last = *args.words[indexes.back()];
  context.report(rule, map.range(first.begin, last.end), fmt::format("{} {}", what, list_names(names)));
}

void check_apt(const LintContext& context, const ScriptMap& map, const shell::SimpleCommand& command,
               const ShellArgs& args, const shell::Variables& variables, RunFacts& facts) {
  rewrite::AptContext apt_context;
  apt_context.variables = &variables;
  const rewrite::AptCommand apt = rewrite::read_apt_command(command, apt_context);
  const support::SourceRange where = map.range(command.begin, command.end);
  switch (apt.action) {
  case rewrite::AptAction::update:
    facts.update = true;
    facts.update_where = where;
    break;
  case rewrite::AptAction::upgrade:
    context.report("apt-upgrade", where, fmt::format("apt-get {} makes the image depend on the day it is built",
                                                     apt.upgrade.empty() ? "upgrade" : apt.upgrade));
    break;
  case rewrite::AptAction::install: {
    facts.install = true;
    if (apt.recommends != false) context.report("apt-no-install-recommends", where);
    std::vector<std::size_t> unpinned;
    for (const PackageRequest& package : apt.packages) {
      if (!package.version.empty() || !package.suite.empty()) continue;
      for (std::size_t i = args.first; i < args.values.size(); ++i) {
        const std::string& value = args.values[i];
        if (value == package.name || value.starts_with(package.name + ":")) {
          if (std::ranges::find(unpinned, i) == unpinned.end()) unpinned.push_back(i);
          break;
        }
      }
    }
    std::ranges::sort(unpinned);
    report_words(context, map, args, unpinned, "apt-unpinned", "apt-get install without versions:");
    break;
  }
  case rewrite::AptAction::clean:
    if (std::ranges::any_of(apt.cleaned_paths,
                            [](const std::string& path) { return path.starts_with("/var/lib/apt/lists"); })) {
      facts.lists_cleaned = true;
    }
    break;
  default:
    if (rewrite::mentions_apt_install(command)) facts.install = true;
    break;
  }
}

bool downloads(std::string_view name) { return name == "curl" || name == "wget"; }

// `sh -c "$(curl -fsSL URL)"`: a word of the shell's command line is the output of a download.
bool substitution_downloads(const shell::SimpleCommand& command) {
  return std::ranges::any_of(command.words, [](const shell::Word& word) {
    return std::ranges::any_of(substituted_commands(word), [](const ShellArgs& args) { return downloads(args.name()); });
  });
}

void check_pipe_to_shell(const LintContext& context, const RunCommandView& view) {
  const std::vector<shell::FlatCommand>& flat = view.piece->flat;
  const shell::FlatCommand& current = view.flat();
  if (!is_shell_name(view.args.name())) return;
  bool piped = false;
  if (current.before == shell::Connector::pipe) {
    for (std::size_t j = view.index; j-- > 0;) {
      if (flat[j].depth != current.depth) continue;
      piped = downloads(read_args(*flat[j].command).name());
      break;
    }
  }
  if (piped || substitution_downloads(view.command())) {
    context.report("pipe-to-shell", view.where(),
                   fmt::format("a downloaded script is run by {} without a checksum check", view.args.name()));
  }
}

void check_command(const LintContext& context, const RunCommandView& view, const shell::Variables& variables,
                   RunFacts& facts) {
  const shell::SimpleCommand& command = view.command();
  const ScriptMap& map = view.piece->map;
  const ShellArgs& args = view.args;
  if (args.sudo_word != nullptr) {
    context.report("sudo", map.range(args.sudo_word->begin, args.sudo_word->end));
  }
  if (args.values.size() <= args.first) return;
  check_apt(context, map, command, args, variables, facts);
  check_pipe_to_shell(context, view);
  const std::string_view name = args.name();
  if (name == "chmod") {
    for (std::size_t i = args.first + 1; i < args.values.size(); ++i) {
      const std::string& mode = args.values[i];
      if (mode == "777" || mode == "0777" || mode == "a+rwx" || mode == "ugo+rwx") {
        context.report("chmod-777", map.range(args.words[i]->begin, args.words[i]->end));
      }
    }
  }
  report_words(context, map, args, unpinned_pip(args), "pip-unpinned", "pip install without versions:");
  report_words(context, map, args, unpinned_apk(args), "apk-unpinned", "apk add without versions:");
  report_words(context, map, args, unpinned_go(args), "go-install-latest", "go install without a pinned version:");
  const NpmUse npm = read_npm(args);
  if (npm.bare_install) {
    context.report("npm-install-not-ci", map.range(command.begin, command.end));
  }
  report_words(context, map, args, npm.unpinned, "npm-unpinned", "npm install without versions:");
}

// The RUN's view is returned so the stage loop can ask what it installs.
RunView check_run(const LintContext& context, const Step& step, const RunCommand& run) {
  RunView view = read_run(context, step, run);
  shell::Variables variables;
  for (const auto& [key, value] : step.env) variables[key] = value;
  RunFacts facts;
  for (const RunCommandView& command : view.commands) check_command(context, command, variables, facts);
  if (facts.update && !facts.lists_cleaned && !view.mounted("/var/lib/apt/lists")) {
    context.report("apt-lists-left", facts.update_where,
                   "apt package lists are left in the layer: remove /var/lib/apt/lists/* in this RUN");
  }
  if (facts.update && !facts.install) {
    context.report("apt-update-separate", facts.update_where,
                   "apt-get update in a RUN without apt-get install: a cached layer keeps old package lists");
  }
  check_fetches(context, view);
  check_caches(context, view);
  check_clock(context, view);
  return view;
}

// A COPY of the whole build context: `COPY . .`, `COPY ./ /app/`, `COPY * ./`.
bool copies_whole_context(const CopyCommand& copy) {
  if (copy.from) return false;
  return std::ranges::any_of(copy.files.sources, [](const Word& source) {
    return source.value == "." || source.value == "./" || source.value == "*" || source.value == "./*";
  });
}

} // namespace

void check_runs(const LintContext& context) {
  for (const Stage& stage : context.build.stages) {
    const CopyCommand* whole_context = nullptr;
    for (const Step& step : stage.steps) {
      if (step.onbuild_trigger) continue;
      if (const auto* copy = std::get_if<CopyCommand>(&step.command); copy && copies_whole_context(*copy)) {
        if (whole_context == nullptr) whole_context = copy;
      } else if (const auto* run = std::get_if<RunCommand>(&step.command)) {
        const RunView view = check_run(context, step, *run);
        if (whole_context != nullptr && installs_dependencies(view)) {
          context.report("copy-all-before-install", whole_context->where,
                         fmt::format("the whole context is copied before the dependency install on line {}: every "
                                     "source change installs the dependencies again",
                                     run->where.begin.line));
          whole_context = nullptr; // one finding per COPY
        }
      }
    }
  }
}

} // namespace distill::planner::lint
