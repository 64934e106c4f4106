#pragma once

// Runs a helper program (a docker credential helper) with text on its
// stdin, without a shell, and collects what it prints.

#include "support/error.hpp"

#include <string>
#include <vector>

namespace distill::backend::registry {

struct SpawnOutput {
  int exit_code = 0; // 128 + signal when it was killed
  std::string out;
  std::string err;
};

// Runs argv (argv[0] looked up in PATH) with `input` on stdin; fails only
// when the program cannot be started.
support::Result<SpawnOutput> run_with_input(const std::vector<std::string>& argv, const std::string& input);

} // namespace distill::backend::registry
