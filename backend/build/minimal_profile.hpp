#pragma once

// What --minimal means for one stage. A stage is built from the closure of its
// own installs only when nothing in it runs a command during the build: a RUN
// script expects the essential tools (a shell, coreutils, ...), so a stage
// with RUN steps keeps the compat base (an intermediate build stage usually,
// whose files reach the image only through COPY --from).

#include "planner/ir.hpp"

#include <string>
#include <vector>

namespace distill::backend::build {

// Whether `stage` is built with the minimal profile under --minimal.
bool builds_minimal(const planner::Stage& stage, bool minimal_profile);

// Packages a minimal stage needs for its own image config: a shell for a
// shell-form ENTRYPOINT or CMD or a CMD-SHELL health check ("dash" gives /bin/sh).
std::vector<std::string> minimal_config_packages(const planner::Stage& stage);

} // namespace distill::backend::build
