#pragma once

#include <string>
#include <vector>

namespace distill::cli {

// Each subcommand takes its arguments (without "distill" and the command
// name) and returns the process exit status: 0 success, 1 a failure or
// findings in the input, 2 bad usage.
using Args = std::vector<std::string>;

int run_parse(const Args& args);
int run_plan(const Args& args);
int run_lock(const Args& args);
int run_build(const Args& args);
int run_images(const Args& args);
int run_push(const Args& args);
int run_lint(const Args& args);
int run_migrate(const Args& args);
int run_verify(const Args& args);

} // namespace distill::cli
