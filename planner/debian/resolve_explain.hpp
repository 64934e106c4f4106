#pragma once

// Finding and explaining what a resolution left broken, in apt's terms
// ("Depends: x but it is not installable"). Internal to the resolver.

#include "planner/debian/resolver_engine.hpp"

#include <string>
#include <vector>

namespace distill::planner::debian {

// Keys to be installed (or kept installed) with a critical dependency that
// does not hold, or whose Conflicts/Breaks are violated.
std::vector<Key> find_broken(Engine& engine);

// A multi-line message: for each broken package each failing dependency,
// why each candidate was rejected, following failures a few levels down.
std::string explain_broken(Engine& engine, const std::vector<Key>& broken);

} // namespace distill::planner::debian
