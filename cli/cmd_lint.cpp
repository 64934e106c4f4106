#include "cli/commands.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace distill::cli {

int run_lint(const Args&) {
  fmt::print(stderr, "distill lint: not implemented yet\n");
  return 1;
}

} // namespace distill::cli
