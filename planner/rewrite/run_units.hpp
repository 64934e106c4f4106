#pragma once

// Internal to the RUN rewrite: the top-level commands of a script ("units"),
// what each is (an apt step, a file idiom, a no-op, replayable shell state,
// or other shell), and what shell state the other ones leave behind.

#include "planner/rewrite/apt_command.hpp"
#include "planner/rewrite/run_rewrite.hpp"
#include "planner/shell/syntax.hpp"
#include "planner/shell/walk.hpp"

#include <set>
#include <string>
#include <vector>

namespace distill::planner::rewrite::detail {

enum class UnitKind {
  apt,     // an apt step with a declarative form
  file_op, // a file idiom with a declarative form
  noop,    // changes nothing the image keeps: apt-get update, true, echo to the log
  state,   // shell state that can be replayed: set -e, X=literal, export X=literal, cd /dir,
           // and commands that only compute variables (ARCH="$(dpkg --print-architecture)", case ...)
  other,   // everything else: stays shell
};

// Shell state a command leaves for the commands after it.
struct Effects {
  std::set<std::string> variables; // assigned from something only running the script knows
  std::set<std::string> functions;
  bool environment = false; // exported a dynamic value
  bool cwd = false;         // changed directory to an unknown place
  bool global = false;      // source, eval, trap, alias, exec, ...
};

// One line that recreates shell state at the start of a later piece.
struct ReplayLine {
  std::string text;               // set -eux, X='v', export X='v', cd '/dir' || exit, or a computing command
  bool cd = false;                // a cd line (a later cd makes it pointless)
  bool conditional = false;       // a computing command: replayed only where its results are used
  std::set<std::string> defines;  // conditional: the variables and functions it sets
  std::set<std::string> reads;    // conditional: the variables and commands it uses
};

// The shell state built up before a unit, in order.
struct Replay {
  std::vector<ReplayLine> lines;

  // The text that recreates the state for a piece that reads `reads`.
  std::string render(const std::set<std::string>& reads) const;
};

struct Unit {
  std::size_t begin = 0, end = 0;  // offsets into the script
  std::size_t item = 0;            // index of its and-or list, in the order they run (see read_units)
  const shell::AndOr* and_or = nullptr; // that and-or list
  int region = 0;                  // units of one region are contiguous text; a taken branch is a region
  std::size_t first = 0, last = 0; // its pipelines within the and-or list
  UnitKind kind = UnitKind::other;
  AptCommand apt;                  // apt steps (also refused ones)
  std::vector<Op> ops;             // file_op: the ops; apt clean by rm: the Remove ops
  bool strict = false;             // a failure would fail the step
  bool in_or_chain = false;        // its and-or list has a `||` outside the unit
  bool chained = false;            // followed by `&&` in an and-or list of `&&` only (see run_rewrite.hpp)
  bool errexit = false;            // set -e was on
  bool lifted = false;
  bool is_update = false;
  bool needs_lists = false;        // reads apt's lists (install, upgrade, apt-cache, ...)
  bool fetches_lists = false;      // runs apt-get update
  bool cleans_lists = false;       // removes /var/lib/apt/lists
  bool touches_apt = false;        // runs an apt or dpkg command that changes packages or marks
  int install_commands = 0;        // apt install commands inside
  std::string refusal, cause;      // why it is not lifted
  std::string sources_change;      // it changes apt's sources: the command
  Effects effects;                 // other: state left behind
  std::set<std::string> reads;     // variables it refers to
  std::set<std::string> calls;     // command names it runs
  std::vector<std::string> findings;
  Replay replay;                   // literal state before it
  bool saved_reference = false;    // it reads a variable recorded by save_manual
  bool guard = false;              // a replayable check that can fail the step (`exit 1` in a case)
  std::string label;               // for messages: the command name, or the start of a compound command
  long fetch_from = -1;            // the apt-get update (unit index) to run again before this unit's piece
};

struct UnitContext {
  const RunScriptContext* run = nullptr;
  const shell::Environment* environment = nullptr; // the script's environment as read so far
  std::vector<std::string> saved_manual; // variables recorded by `NAME="$(apt-mark showmanual)"`
};

// Splits the script's top-level list into units and classifies them. An
// if/case whose branch the platform decides (arch_conditions.hpp) is replaced
// by the units of the branch that runs, as if its and-or lists stood at the
// top level: the compound must be an and-or list of its own (not negated, in
// the background, redirected or part of && / ||), so that the branch's
// commands fail the step exactly when they would at the top level.
std::vector<Unit> read_units(const shell::Script& script, const RunScriptContext& context);

} // namespace distill::planner::rewrite::detail
