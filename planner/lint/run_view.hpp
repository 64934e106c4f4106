#pragma once

// Internal to planner/lint: one RUN read as shell, every simple command with
// its words (shell_args.hpp) and a way back to its place in the Dockerfile.
// The rules that look at a whole RUN (downloads, caches, clocks) share it.

#include "frontend/instructions.hpp"
#include "planner/lint/context.hpp"
#include "planner/lint/shell_args.hpp"
#include "planner/script_map.hpp"
#include "planner/shell/walk.hpp"

#include <memory>
#include <string>
#include <vector>

namespace distill::planner::lint {

// One script of a RUN: the one its shell runs (planner/run_script.hpp), or
// a here-document that a shell in it reads as its script (`bash <<EOF`).
struct RunPiece {
  RunPiece(const LintContext& context, const std::string& text, std::size_t start, const support::SourceRange& fallback,
           bool strip_tabs);

  shell::Script script;
  ScriptMap map;
  std::vector<shell::FlatCommand> flat; // points into `script`: a piece is never moved
};

struct RunCommandView {
  const RunPiece* piece = nullptr;
  std::size_t index = 0; // in piece->flat
  ShellArgs args;

  const shell::FlatCommand& flat() const { return piece->flat[index]; }
  const shell::SimpleCommand& command() const { return *piece->flat[index].command; }
  // The whole command / the words [first, last] in the Dockerfile.
  support::SourceRange where() const;
  support::SourceRange words(std::size_t first, std::size_t last) const;
};

struct RunView {
  const frontend::Step* step = nullptr;
  const frontend::RunCommand* run = nullptr;
  std::vector<std::unique_ptr<RunPiece>> pieces;
  std::vector<RunCommandView> commands; // every simple command, in source order

  // True when a --mount of type cache or tmpfs covers `path` (or a folder of it).
  bool mounted(std::string_view path) const;
};

// Reads `run`'s scripts; a RUN in exec form is read as the words joined. A
// here-document run alone with a `#!` line that is not a shell is not read.
RunView read_run(const LintContext& context, const frontend::Step& step, const frontend::RunCommand& run);

// The words of a command after its name, without the options: the
// subcommand of `apk add`, `npm ci` ("add", "ci"); empty when none.
std::string_view subcommand(const ShellArgs& args);

// True when the RUN installs a project's dependencies with a package manager
// (apt-get install, apk add, pip install, npm ci, go mod download, ...).
bool installs_dependencies(const RunView& view);

// The rules on a whole RUN: check_fetch.cpp, check_caches.cpp, check_clock.cpp.
void check_fetches(const LintContext& context, const RunView& view);
void check_caches(const LintContext& context, const RunView& view);
void check_clock(const LintContext& context, const RunView& view);

} // namespace distill::planner::lint
