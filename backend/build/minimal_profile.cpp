#include "backend/build/minimal_profile.hpp"

#include <variant>

namespace distill::backend::build {

bool builds_minimal(const planner::Stage& stage, bool minimal_profile) {
  if (!minimal_profile || !std::holds_alternative<planner::DistroBase>(stage.base.kind)) {
    return false;
  }
  for (const auto& step : stage.steps) {
    if (std::holds_alternative<planner::Run>(step.op)) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> minimal_config_packages(const planner::Stage& stage) {
  // Only the last ENTRYPOINT/CMD/HEALTHCHECK counts: earlier ones are replaced.
  bool shell_entrypoint = false;
  bool shell_cmd = false;
  bool shell_health = false;
  for (const auto& step : stage.steps) {
    if (const auto* entrypoint = std::get_if<planner::SetEntrypoint>(&step.op)) {
      shell_entrypoint = entrypoint->shell_form;
    } else if (const auto* cmd = std::get_if<planner::SetCmd>(&step.op)) {
      shell_cmd = cmd->shell_form;
    } else if (const auto* health = std::get_if<planner::Healthcheck>(&step.op)) {
      shell_health = !health->test.empty() && health->test.front() == "CMD-SHELL";
    }
  }
  if (shell_entrypoint || shell_cmd || shell_health) {
    return {"dash"};
  }
  return {};
}

} // namespace distill::backend::build
