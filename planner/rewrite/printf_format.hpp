#pragma once

// printf(1) for the formats Dockerfiles write files with: %s, %d, %%,
// %b without escapes, and the escapes \n \t \r \\ \" \' \NNN. The format is
// reused while arguments remain, as printf does.

#include "support/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace distill::planner::rewrite {

// The output of `printf format args...`; fails for a directive or escape
// outside the subset (the shells' printf builtins differ there).
support::Result<std::string> format_printf(std::string_view format, const std::vector<std::string>& args);

} // namespace distill::planner::rewrite
