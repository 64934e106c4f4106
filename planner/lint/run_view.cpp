#include "planner/lint/run_view.hpp"

#include "planner/run_script.hpp"
#include "planner/shell/reader.hpp"

#include <algorithm>

namespace distill::planner::lint {

using frontend::CommandLine;
using frontend::MountType;
using frontend::RunMount;
using frontend::Word;

RunPiece::RunPiece(const LintContext& context, const std::string& text, std::size_t start,
                   const support::SourceRange& fallback, bool strip_tabs)
    : script(shell::read_script(text)),
      map(context.document.file, start, script.text, context.document.escape, fallback, strip_tabs),
      flat(shell::flatten(script)) {}

support::SourceRange RunCommandView::where() const { return piece->map.range(command().begin, command().end); }

support::SourceRange RunCommandView::words(std::size_t first, std::size_t last) const {
  return piece->map.range(args.words[first]->begin, args.words[last]->end);
}

bool RunView::mounted(std::string_view path) const {
  return std::ranges::any_of(run->mounts, [&](const RunMount& mount) {
    if (mount.type != MountType::cache && mount.type != MountType::tmpfs) return false;
    const std::string_view target = mount.target;
    return path == target || (path.starts_with(target) && (target.ends_with('/') || path[target.size()] == '/'));
  });
}

namespace {

// A here-document run alone is read as shell when its `#!` line names a
// shell (`#!/bin/bash -e`, `#!/usr/bin/env sh`) or there is none.
bool runs_as_shell(const RunScript& script) {
  const std::string interpreter = script.interpreter();
  if (interpreter.empty()) return true;
  const shell::Script line = shell::read_script(interpreter);
  const std::vector<shell::FlatCommand> flat = shell::flatten(line);
  if (flat.empty()) return false;
  const ShellArgs args = read_args(*flat.front().command);
  return is_shell_name(args.name());
}

// The here-document a shell reads its script from (`bash <<EOF`, `<<EOF sh -e`):
// a shell with no -c and no script file, its stdin a here-document.
const shell::Redirect* stdin_script(const RunCommandView& command) {
  const ShellArgs& args = command.args;
  if (!is_shell_name(args.name())) return nullptr;
  bool from_stdin = false; // -s: the operands are arguments, the script is stdin
  for (std::size_t i = args.first + 1; i < args.values.size(); ++i) {
    const std::string& value = args.values[i];
    if (value == "--" || (!value.starts_with('-') && !value.starts_with('+'))) {
      if (!from_stdin) return nullptr;
      break;
    }
    if (value.starts_with("--")) continue; // --norc, --login, ...
    if (value.find('c') != std::string::npos) return nullptr;
    from_stdin = from_stdin || value.find('s') != std::string::npos;
    if (value.ends_with('o') || value.ends_with('O')) ++i; // -o pipefail
  }
  const auto& redirects = command.command().redirects;
  const auto found = std::ranges::find_if(redirects, [](const shell::Redirect& redirect) {
    return redirect.heredoc.has_value() && redirect.target_fd() == 0;
  });
  return found == redirects.end() ? nullptr : &*found;
}

// The script of `sh -c SCRIPT` (options may join: -ec, -xc), when it is a
// literal word; null otherwise.
const shell::Word* inline_script(const RunCommandView& command) {
  const ShellArgs& args = command.args;
  if (!is_shell_name(args.name())) return nullptr;
  bool c_option = false;
  for (std::size_t i = args.first + 1; i < args.values.size(); ++i) {
    const std::string& value = args.values[i];
    if (value.starts_with("--")) continue; // --norc, --login, ...
    if (value.starts_with('-') || value.starts_with('+')) {
      c_option = c_option || value.find('c') != std::string::npos;
      if (value.ends_with('o') || value.ends_with('O')) ++i; // -o pipefail
      continue;
    }
    const shell::Word* word = args.words[i];
    return c_option && word != nullptr && word->literal() ? word : nullptr;
  }
  return nullptr;
}

// Adds a piece and its commands, and after each shell that reads a
// here-document as its script, or runs `-c SCRIPT`, that script's commands
// (to `depth` levels).
void add_piece(RunView& view, const LintContext& context, const std::string& text, std::size_t start,
               bool strip_tabs, int depth) {
  view.pieces.push_back(std::make_unique<RunPiece>(context, text, start, view.run->where, strip_tabs));
  const RunPiece& piece = *view.pieces.back();
  for (std::size_t i = 0; i < piece.flat.size(); ++i) {
    view.commands.push_back(RunCommandView{&piece, i, read_args(*piece.flat[i].command)});
    if (depth >= 4) continue;
    if (const shell::Redirect* heredoc = stdin_script(view.commands.back())) {
      add_piece(view, context, *heredoc->heredoc, piece.map.file_offset(heredoc->heredoc_begin),
                heredoc->op == "<<-", depth + 1);
    } else if (const shell::Word* script = inline_script(view.commands.back())) {
      // Quoted, the script starts after the quote; ranges that do not match map to the RUN.
      const bool quoted = script->text.starts_with('\'') || script->text.starts_with('"');
      const std::size_t script_start = piece.map.file_offset(script->begin + (quoted ? 1 : 0));
      if (script_start != std::string::npos) add_piece(view, context, script->value(), script_start, false, depth + 1);
    }
  }
}

} // namespace

RunView read_run(const LintContext& context, const frontend::Step& step, const frontend::RunCommand& run) {
  RunView view;
  view.step = &step;
  view.run = &run;
  const CommandLine& line = run.command;
  if (line.args.empty()) return view;
  if (!line.shell_form) {
    std::string text;
    for (const Word& word : line.args) text += (text.empty() ? "" : " ") + word.raw;
    add_piece(view, context, text, run.where.begin.offset, false, 0);
    return view;
  }
  // The script the shell runs, read as the RUN lowering reads it.
  const RunScript script = run_script(run);
  if (runs_as_shell(script)) add_piece(view, context, script.text, script.start, script.strip_tabs, 0);
  return view;
}

std::string_view subcommand(const ShellArgs& args) {
  for (std::size_t i = args.first + 1; i < args.values.size(); ++i) {
    if (!args.values[i].starts_with('-')) return args.values[i];
  }
  return {};
}

bool installs_dependencies(const RunView& view) {
  return std::ranges::any_of(view.commands, [](const RunCommandView& command) {
    const std::string_view name = command.args.name();
    const std::string_view sub = subcommand(command.args);
    if (name == "apt-get" || name == "apt" || name == "yum" || name == "dnf" || name == "microdnf" ||
        name == "zypper") {
      return sub == "install";
    }
    if (name == "apk") return sub == "add";
    // pip installs the project's dependencies from a requirements file; `pip install .`
    // builds the project itself, which needs the sources anyway.
    if (name.starts_with("pip")) {
      return sub == "install" && std::ranges::any_of(command.args.values, [](const std::string& value) {
               return value == "-r" || value == "--requirement" || value.starts_with("--requirement=") ||
                      (value.starts_with("-r") && value.size() > 2 && value[2] != '-');
             });
    }
    if (name == "poetry" || name == "pipenv" || name == "bundle" || name == "composer" || name == "pnpm") {
      return sub == "install" || sub == "sync";
    }
    if (name == "npm") return sub == "ci" || sub == "install" || sub == "i";
    if (name == "yarn") return sub.empty() || sub == "install";
    if (name == "go") return sub == "mod" || sub == "get";
    if (name == "cargo") return sub == "fetch";
    if (name == "mvn") return sub.starts_with("dependency:");
    return false;
  });
}

} // namespace distill::planner::lint
