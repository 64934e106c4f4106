#pragma once

// What a RUN step executes, with BuildKit's rules: exec form as written, shell
// form through SHELL, heredoc bodies either as the script itself or appended
// to the command line for the shell to read; the environment with the
// default PATH and HOME added when the step's env lacks them.

#include "planner/ir.hpp"
#include "support/error.hpp"

#include <string>
#include <vector>

namespace distill::backend::sandbox {

struct Command {
  std::vector<std::string> argv;
  // A "#!" heredoc run as a program: written to /dev/pipes/<name>, mode 0755.
  struct ScriptFile {
    std::string name;
    std::string content;
  };
  std::vector<ScriptFile> files;
};

// The argv (and script files) of `run`; fails on an empty command.
support::Result<Command> build_command(const planner::Run& run);

// "KEY=VALUE" strings: run.env (a later duplicate wins), plus PATH and HOME
// (`home`, the user's passwd home) when absent.
std::vector<std::string> build_env(const planner::Run& run, const std::string& home);

} // namespace distill::backend::sandbox
