#include "cli/commands.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace distill::cli {

int run_parse(const Args&) {
  fmt::print(stderr, "distill parse: not implemented yet\n");
  return 1;
}

} // namespace distill::cli
