#pragma once

// The programs a shell script runs: the literal names of its simple commands,
// looked through wrappers (sudo, env, ...), without the shell's builtins and
// keywords or the functions the script defines. --minimal's closure check
// asks for these, so that a script's `date` or `sleep` is in the image too.

#include <string>
#include <string_view>
#include <vector>

namespace distill::planner::shell {

// Sorted and unique; a name that is not literal ($cmd, "$(which x)") is left
// out, since nothing can say what it runs. Nothing when the script does not
// read as shell, or when it sources another file (`. lib.sh`), whose
// functions it may call.
std::vector<std::string> program_names(std::string_view script);

} // namespace distill::planner::shell
