#pragma once

// BuildKit's image history text (`created_by`) for each instruction, as
// dockerfile2llb writes it: "RUN |1 V=2 /bin/sh -c make # buildkit",
// "COPY --chown=app src /app # buildkit", "ENV A=b", "EXPOSE [80/tcp]",
// `CMD ["nginx" "-g" "daemon off;"]`.

#include "planner/ir.hpp"

#include <string>
#include <vector>

namespace distill::planner {

// RUN: `args` is what runs (the shell and the script, or the exec form);
// `build_args` the ARGs in scope as KEY=VALUE.
std::string run_history(const std::vector<std::string>& args, const std::vector<std::string>& build_args);

// COPY/ADD; `chmod` is the --chmod value as written.
std::string copy_history(const Copy& copy, const std::string& chmod);

// Go's %q of a string list: ["a" "b"].
std::string go_quoted_list(const std::vector<std::string>& items);

// Go's %v of a string list: [a b].
std::string go_list(const std::vector<std::string>& items);

// HEALTHCHECK, as Go prints the config struct with %q.
std::string healthcheck_history(const Healthcheck& health);

// Go's time.Duration.String(): "1m30s", "500ms", "0s".
std::string go_duration(long long nanoseconds);

} // namespace distill::planner
