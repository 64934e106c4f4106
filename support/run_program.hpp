#pragma once

// Runs a helper program (gpgv, a docker credential helper) without a shell:
// text on its stdin, its stdout and stderr collected, a deadline after which
// it is killed. Stdin is written while both outputs are read, so a child that
// prints a lot before it reads (or reads a lot before it prints) cannot block
// us, nor we it.

#include "support/error.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace distill::support {

struct ProgramOutput {
  int exit_code = 0; // 128 + signal when it was killed
  std::string out;   // stdout
  std::string err;   // stderr
};

struct ProgramOptions {
  std::string input; // stdin; closed once written (at once when empty)
  // Killed (SIGKILL) when it has not exited by then.
  std::chrono::milliseconds timeout = std::chrono::minutes(5);
};

// Runs argv[0] (looked up in PATH when it has no '/') with a C locale, so the
// messages quoted to users read the same everywhere. Fails when it cannot be
// started or did not finish within the timeout; a non-zero exit is not a failure.
Result<ProgramOutput> run_program(const std::vector<std::string>& argv, const ProgramOptions& options = {});

} // namespace distill::support
