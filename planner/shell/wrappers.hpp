#pragma once

// Commands that run the command written after them: `sudo -u app make`,
// `env A=b make`, `nice -n 5 make`, `timeout 60 make`. The apt rewrite and
// the lint rules both look through them to the command that does the work,
// with this one list, so that they agree on what `nice apt-get install` is.
//
// xargs is not one of them: it adds the words it reads from stdin, so the
// words written after it are not the whole command.

#include "planner/shell/syntax.hpp"

#include <cstddef>
#include <vector>

namespace distill::planner::shell {

struct CommandStart {
  std::size_t index = 0;             // the word that names the command run; words.size() when none is left
  std::vector<std::size_t> wrappers; // the wrapper names skipped (`sudo`, `env`, ...), in order
};

// Skips the wrappers at the start of `words` with their options, operands
// and NAME=value words. A wrapper only counts when its name is a literal
// word; one used so that it runs nothing (`command -v x`, `sudo -l`) is the
// command itself.
CommandStart command_start(const std::vector<Word>& words);

} // namespace distill::planner::shell
