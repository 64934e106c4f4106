#include "cli/commands.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace distill::cli {

int run_push(const Args&) {
  fmt::print(stderr, "distill push: not implemented yet\n");
  return 1;
}

} // namespace distill::cli
