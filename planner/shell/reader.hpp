#pragma once

// Reads shell text (the script of a RUN step, a CMD in shell form, a
// heredoc body) into shell::Script. POSIX sh grammar plus the bash forms that
// Dockerfiles use: $'...', [[ ... ]], (( ... )), <(...), |&, &>, <<<,
// `function name`.

#include "planner/shell/syntax.hpp"

#include <string>

namespace distill::planner::shell {

// Reads `text` as a shell script. Never fails: text that is not valid shell
// gives Script::error (with the offset) and the commands read before it.
Script read_script(std::string text);

} // namespace distill::planner::shell
