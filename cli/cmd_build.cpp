#include "cli/commands.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace distill::cli {

int run_build(const Args&) {
  fmt::print(stderr, "distill build: not implemented yet\n");
  return 1;
}

} // namespace distill::cli
