#pragma once

// The front half of build and lock: read the Dockerfile, parse, analyze and
// plan it, printing diagnostics like a compiler.

#include "planner/ir.hpp"
#include "support/source.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace distill::cli {

struct PlanInputs {
  std::filesystem::path dockerfile;
  std::vector<std::pair<std::string, std::string>> build_args;
  std::string target;
  std::string platform = "linux/amd64";
};

struct LoadedPlan {
  support::SourceFile file;
  planner::Plan plan;
  std::string inputs_hash; // sha256 of what in the plan decides packages (bases, installs), and the platform
};

// Returns the plan, or nullopt after printing the errors to stderr.
std::optional<LoadedPlan> load_plan(const PlanInputs& inputs);

} // namespace distill::cli
