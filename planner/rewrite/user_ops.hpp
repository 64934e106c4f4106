#pragma once

// useradd, groupadd, adduser and addgroup (Debian's and busybox's) as
// AddUser / AddGroup ops. Explicit settings are recorded; what each tool
// picks by default (home, shell, the next free id) is left to the backend,
// which mimics the tool named in the op.

#include "planner/rewrite/file_ops.hpp"
#include "planner/rewrite/literal_args.hpp"

#include <string>
#include <vector>

namespace distill::planner::rewrite {

// Reads `tool args...` ("useradd", "groupadd", "adduser", "addgroup").
FileOpResult read_user_op(const std::string& tool, const std::vector<LiteralArg>& args);

} // namespace distill::planner::rewrite
