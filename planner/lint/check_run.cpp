// Rules on the shell commands of RUN: apt, apk, pip, npm, go, downloads
// piped to a shell, sudo, chmod 777. Scripts are read with planner/shell and
// apt commands with planner/rewrite/apt_command; ScriptMap gives each command
// its range in the Dockerfile.

#include "planner/lint/context.hpp"
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

using frontend::CommandLine;
using frontend::HeredocFile;
using frontend::MountType;
using frontend::RunCommand;
using frontend::RunMount;
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

bool is_shell(std::string_view name) {
  return name == "sh" || name == "bash" || name == "zsh" || name == "ash" || name == "dash" || name == "ksh";
}

bool downloads(std::string_view name) { return name == "curl" || name == "wget"; }

bool substitution_downloads(const shell::SimpleCommand& command) {
  for (const shell::Word& word : command.words) {
    for (const shell::WordPart& part : word.parts) {
      if (part.kind == shell::WordPart::Kind::literal || part.kind == shell::WordPart::Kind::parameter) continue;
      if (part.text.find("curl") != std::string::npos || part.text.find("wget") != std::string::npos) return true;
    }
  }
  return false;
}

void check_pipe_to_shell(const LintContext& context, const ScriptMap& map,
                         const std::vector<shell::FlatCommand>& flat, std::size_t index, const ShellArgs& args) {
  const shell::FlatCommand& current = flat[index];
  if (!is_shell(args.name())) return;
  bool piped = false;
  if (current.before == shell::Connector::pipe) {
    for (std::size_t j = index; j-- > 0;) {
      if (flat[j].depth != current.depth) continue;
      piped = downloads(read_args(*flat[j].command).name());
      break;
    }
  }
  if (piped || substitution_downloads(*current.command)) {
    context.report("pipe-to-shell", map.range(current.command->begin, current.command->end),
                   fmt::format("a downloaded script is run by {} without a checksum check", args.name()));
  }
}

void check_command(const LintContext& context, const ScriptMap& map, const std::vector<shell::FlatCommand>& flat,
                   std::size_t index, const shell::Variables& variables, RunFacts& facts) {
  const shell::SimpleCommand& command = *flat[index].command;
  const ShellArgs args = read_args(command);
  if (args.sudo_word != nullptr) {
    context.report("sudo", map.range(args.sudo_word->begin, args.sudo_word->end));
  }
  if (args.values.size() <= args.first) return;
  check_apt(context, map, command, args, variables, facts);
  check_pipe_to_shell(context, map, flat, index, args);
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

bool lists_mounted(const RunCommand& run) {
  return std::ranges::any_of(run.mounts, [](const RunMount& mount) {
    return (mount.type == MountType::cache || mount.type == MountType::tmpfs) &&
           (mount.target == "/var/lib/apt" || mount.target.starts_with("/var/lib/apt/lists"));
  });
}

void lint_script(const LintContext& context, const std::string& text, std::size_t start,
                 const support::SourceRange& fallback, const shell::Variables& variables, RunFacts& facts) {
  const shell::Script script = shell::read_script(text);
  const ScriptMap map(context.document.file, start, script.text, context.document.escape, fallback);
  const std::vector<shell::FlatCommand> flat = shell::flatten(script);
  for (std::size_t i = 0; i < flat.size(); ++i) check_command(context, map, flat, i, variables, facts);
}

void check_run(const LintContext& context, const Step& step, const RunCommand& run) {
  const CommandLine& line = run.command;
  if (line.args.empty()) return;
  shell::Variables variables;
  for (const auto& [key, value] : step.env) variables[key] = value;
  RunFacts facts;
  if (!line.shell_form) {
    std::string text;
    for (const Word& word : line.args) text += (text.empty() ? "" : " ") + word.raw;
    lint_script(context, text, run.where.begin.offset, run.where, variables, facts);
  } else {
    const Word& word = line.args.front();
    const std::size_t first = word.raw.find_first_not_of(" \t\r\n");
    const bool only_heredocs = !line.files.empty() && first != std::string::npos &&
                               std::string_view(word.raw).substr(first).starts_with("<<") &&
                               word.raw.find('\n') == std::string::npos && word.raw.find(' ', first) == std::string::npos;
    if (only_heredocs) {
      for (const HeredocFile& file : line.files) {
        lint_script(context, file.content, file.body.begin.offset, file.body, variables, facts);
      }
    } else {
      lint_script(context, word.raw, word.where.begin.offset, word.where, variables, facts);
    }
  }
  if (facts.update && !facts.lists_cleaned && !lists_mounted(run)) {
    context.report("apt-lists-left", facts.update_where,
                   "apt package lists are left in the layer: remove /var/lib/apt/lists/* in this RUN");
  }
  if (facts.update && !facts.install) {
    context.report("apt-update-separate", facts.update_where,
                   "apt-get update in a RUN without apt-get install: a cached layer keeps old package lists");
  }
}

} // namespace

void check_runs(const LintContext& context) {
  for (const Stage& stage : context.build.stages) {
    for (const Step& step : stage.steps) {
      if (step.onbuild_trigger) continue;
      if (const auto* run = std::get_if<RunCommand>(&step.command)) check_run(context, step, *run);
    }
  }
}

} // namespace distill::planner::lint
