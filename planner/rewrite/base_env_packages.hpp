#pragma once

// The lock-time half of BaseEnvWord (ir.hpp): once the base image is pulled,
// the package words that read its config's Env are expanded exactly as the
// shell would expand them in the RUN, and read as package requests. The
// planner decides which words qualify (apt_command.cpp); the lock step
// (backend/build/lock_plan.cpp) calls this with the image's Env.

#include "planner/ir.hpp"
#include "support/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace distill::planner::rewrite {

// `packages` with every BaseEnvWord replaced, in its place, by the requests
// its expansion names. `env` is the image config's Env ("KEY=VALUE", a later
// entry wins, as in the runtime); `image` names the base for messages, e.g.
// "discourse/base:slim (FROM on line 3)". Fails when the Env does not set a
// variable a word reads, or a word expands to something that names no package.
support::Result<std::vector<PackageRequest>> expand_base_env_packages(const std::vector<PackageRequest>& packages,
                                                                      const std::vector<std::string>& env,
                                                                      std::string_view image);

// True when some request of `packages` is a BaseEnvWord.
bool reads_base_env(const std::vector<PackageRequest>& packages);

} // namespace distill::planner::rewrite
