#pragma once

// Runs a helper program (gpgv) without a shell and collects its output.

#include "support/error.hpp"

#include <string>
#include <vector>

namespace distill::backend::archive {

struct ToolOutput {
  int exit_code = 0; // 128 + signal when it was killed
  std::string out;   // stdout
  std::string err;   // stderr
};

// Runs argv[0] (looked up in PATH when it has no '/') with stdin from
// /dev/null and a C locale; fails only when it cannot be started.
support::Result<ToolOutput> run_tool(const std::vector<std::string>& argv);

} // namespace distill::backend::archive
