#include "cli/commands.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace distill::cli {

int run_migrate(const Args&) {
  fmt::print(stderr, "distill migrate: not implemented yet\n");
  return 1;
}

} // namespace distill::cli
