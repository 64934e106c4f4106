#pragma once

// Internal to planner/lint: the words of one shell command as the package
// manager rules need them (wrappers such as sudo, env and nice skipped), and the
// readers of pip, apk, go and npm command lines.

#include "planner/shell/syntax.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace distill::planner::lint {

struct ShellArgs {
  std::vector<const shell::Word*> words;
  std::vector<std::string> values;  // literal words' values; others as written (they keep their '$')
  std::size_t first = 0;            // index of the command name after wrappers (planner/shell/wrappers.hpp)
  const shell::Word* sudo_word = nullptr; // the `sudo` word when the command runs under sudo

  // The command name without its directory ("pip3"); empty when there is none.
  std::string_view name() const;
};

ShellArgs read_args(const shell::SimpleCommand& command);

// The commands the substitutions in `word` run ($(...), `...`, <(...)), read
// from the shell's syntax tree, not searched for as text: `$(cat curlrc)`
// runs cat, not curl. They point into `word`.
std::vector<ShellArgs> substituted_commands(const shell::Word& word);

// Indexes of the package words that have no version, for `pip install`,
// `apk add` and `go install/get/run`; empty for other commands.
std::vector<std::size_t> unpinned_pip(const ShellArgs& args);
std::vector<std::size_t> unpinned_apk(const ShellArgs& args);
std::vector<std::size_t> unpinned_go(const ShellArgs& args);

struct NpmUse {
  bool bare_install = false;          // `npm install` / `npm i` with no package: installs without the lockfile's guarantee
  std::vector<std::size_t> unpinned;  // `npm install name` without @version
};

NpmUse read_npm(const ShellArgs& args);

} // namespace distill::planner::lint
