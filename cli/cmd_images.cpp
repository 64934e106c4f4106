#include "cli/commands.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace distill::cli {

int run_images(const Args&) {
  fmt::print(stderr, "distill images: not implemented yet\n");
  return 1;
}

} // namespace distill::cli
