#pragma once

// A flat view of a shell script: every simple command with where it sits
// (top level, inside if/for/a subshell/$(...)), how it is joined to the
// command before it, and what makes it dynamic. The lint rules and the apt
// rewrite look at commands through this view.

#include "planner/shell/syntax.hpp"

#include <vector>

namespace distill::planner::shell {

// How a command is joined to the one before it in its list.
enum class Connector {
  first,     // the first command of its list
  semicolon, // `;`
  newline,   // a line break
  and_if,    // `&&`
  or_if,     // `||`
  pipe,      // `|` or `|&`
  background // after a command ended by `&`
};

struct FlatCommand {
  const SimpleCommand* command = nullptr;
  Connector before = Connector::first;
  int depth = 0;               // nesting of compound commands and substitutions; 0 = top level
  bool in_condition = false;   // in the condition of if/while/until
  bool in_branch = false;      // in a branch of if/case
  bool in_loop = false;        // in the body of for/while/until
  bool in_subshell = false;    // in ( ... )
  bool in_brace_group = false; // in { ...; }
  bool in_function = false;    // in a function body
  bool in_substitution = false; // inside $(...), `...` or <(...)
  bool in_pipeline = false;    // one of two or more piped commands
  bool background = false;     // its and-or list ends with `&`
  bool negated = false;        // its pipeline starts with `!`
  bool has_substitution = false; // $(...) or `...` in a word, assignment or redirection
  bool has_parameter = false;    // $x in a word, assignment or redirection
};

// Every simple command of `script`, in source order (a command substitution's
// commands come before the command that uses them). The pointers point into
// `script`, which must outlive the result. Commands inside backquotes carry
// offsets relative to the backquoted text.
std::vector<FlatCommand> flatten(const Script& script);

// The same for one pipeline of a script (depth counts from the pipeline).
std::vector<FlatCommand> flatten(const Pipeline& pipeline);

// The same for a list: the commands of a substitution (WordPart::inner), read
// as a script of their own (depth counts from the list).
std::vector<FlatCommand> flatten(const List& list);

// The shell options a script sets with `set` (the planner cares about these).
struct ShellOptions {
  bool errexit = false;  // set -e
  bool pipefail = false; // set -o pipefail
  bool nounset = false;  // set -u
  bool xtrace = false;   // set -x
};

// If `command` is `set` with options, applies them to `options` and returns
// true; other commands return false. `set -- args` and unknown letters are
// accepted and ignored.
bool apply_set(const SimpleCommand& command, ShellOptions& options);

} // namespace distill::planner::shell
