#pragma once

// The rewrite of one RUN step's shell script: apt steps become InstallPackages,
// file idioms become file ops, no-ops (apt-get update, apt caches cleanup)
// disappear, and everything else stays shell, cut into as few Run pieces as
// the order allows.
//
// When is a command lifted out of the script? When the script's meaning is
// kept, both on success and on failure:
//  - it is a plain top-level command (not in if/for/case, a pipeline, a
//    subshell, a function, the background, or negated with `!`);
//  - its failure would fail the step: nothing after it catches the failure
//    (no `||`), and either `set -e` is on or its `&&` chain ends the script.
//    (Under `set -e`, `a && b; c` goes on to `c` when `a` fails; the rewrite
//    treats that as a failed step, as the author of such a chain meant.)
//    Without set -e, a command followed by `&&` in an and-or list of `&&`
//    only (`groupadd x && apt-get install -y y && z; w`) counts too, and the
//    piece before it may be cut after an earlier command of the same chain.
//    Why that is sound: a successful run of the rewritten step has every
//    lifted command and every piece succeed, so in the original every command
//    of the chain up to the install succeeded too, the chain went on, and the
//    original ran exactly the same commands on the same state: every build
//    that succeeds gives the same result. What differs is only a run where
//    such a command fails: the original skipped the rest of the chain and
//    went on after `;` (the image silently missing what the chain was for),
//    the rewrite fails the step. An install ending its list (`... && apt-get
//    install -y y; w`) or after an unchecked `;` command stays shell.
//  - the shell piece before it can be cut there under the same rule;
//  - no shell state (a variable from $(...), a dynamic cd, a function) set
//    before it is used by shell pieces after it. Literal state (set -eux,
//    X=literal, export X=literal, cd /literal) is replayed at the start of
//    each later piece.
// Installs after a step that changed apt's sources stay shell (a sed that
// only swaps archive hosts is no such change: mirror_switch.hpp). An if/case
// on the architecture is decided for `platform` (arch_conditions.hpp).

#include "planner/ir.hpp"
#include "planner/shell/expand.hpp"
#include "planner/shell/walk.hpp"

#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace distill::planner::rewrite {

struct RunScriptContext {
  shell::Variables variables; // ENV and ARG values in scope (the step's environment)
  bool complete_environment = false; // `variables` is all of it: other names are unset (scratch and distro bases)
  // The base is an image whose config's Env is read only at lock time: an
  // install's package word may read it (BaseEnvWord in ir.hpp).
  bool base_image_env = false;
  std::set<std::string, std::less<>> shadowed; // names that Env cannot supply (ARG without a value, ...)
  shell::ShellOptions options;        // set by the SHELL's own flags (["/bin/bash", "-eo", "pipefail", "-c"])
  std::string workdir = "/";  // WORKDIR in effect
  bool root = true;           // USER is root
  std::string sources_changed; // non-empty: an earlier step changed apt's sources (says where)
  std::string platform = "linux/amd64"; // the stage's platform: decides `case "$(dpkg --print-architecture)"`
};

// One op of the result with the script offsets of the commands it came from.
struct PlacedOp {
  Op op;
  std::vector<std::pair<std::size_t, std::size_t>> spans; // [begin, end) offsets into the script
};

struct RunRewrite {
  std::vector<PlacedOp> ops;     // in order; Run ops carry only script, shell_form, reason, saved_manual
  RewriteNote::Outcome outcome = RewriteNote::Outcome::kept;
  std::string reason;            // why something stayed shell (partial, kept)
  std::string cause;             // its short key
  std::vector<std::string> findings;
  int install_commands = 0;      // apt-get/apt install commands anywhere in the script
  int installs_rewritten = 0;    // of those, lifted into InstallPackages
  std::string sources_changed;   // this step changes apt's sources (the command), for later steps
  bool needs_lists = false;      // a shell piece reads apt's package lists that the script did not fetch
  int lists_after = 0;           // apt lists afterwards: 0 as before, 1 fetched by a removed update,
                                 // 2 fetched by shell, 3 removed
};

// Rewrites the shell text `script`. Never fails: text that cannot be read
// stays one Run with the reason.
RunRewrite rewrite_run_script(const std::string& script, const RunScriptContext& context);

// Rewrites an exec-form RUN (`RUN ["apt-get", "install", ...]`): the argv as one command.
RunRewrite rewrite_run_argv(const std::vector<std::string>& argv, const RunScriptContext& context);

// `text` quoted for a POSIX shell when it needs quotes.
std::string shell_quote(const std::string& text);

} // namespace distill::planner::rewrite
