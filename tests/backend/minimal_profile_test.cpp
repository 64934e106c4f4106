// Which stages --minimal builds from their own closure, and the shell that a
// shell-form config needs.

#include "backend/build/minimal_profile.hpp"

#include <gtest/gtest.h>

namespace distill::backend::build {
namespace {

planner::Stage distro_stage() {
  planner::Stage stage;
  planner::DistroBase base;
  base.distro = "debian";
  base.suite = "bookworm";
  stage.base.kind = base;
  return stage;
}

planner::Step step(planner::Op op) {
  planner::Step out;
  out.op = std::move(op);
  return out;
}

TEST(MinimalProfile, OnlyDistroStagesWithoutRunSteps) {
  planner::Stage stage = distro_stage();
  EXPECT_FALSE(builds_minimal(stage, false));
  EXPECT_TRUE(builds_minimal(stage, true));
  stage.steps.push_back(step(planner::InstallPackages{}));
  EXPECT_TRUE(builds_minimal(stage, true));
  stage.steps.push_back(step(planner::Run{}));
  EXPECT_FALSE(builds_minimal(stage, true));
  planner::Stage scratch;
  scratch.base.kind = planner::ScratchBase{};
  EXPECT_FALSE(builds_minimal(scratch, true));
}

TEST(MinimalProfile, TheLastShellFormConfigNeedsDash) {
  planner::Stage stage = distro_stage();
  EXPECT_TRUE(minimal_config_packages(stage).empty());
  stage.steps.push_back(step(planner::SetCmd{{"/bin/sh", "-c", "serve"}, true, {}}));
  EXPECT_EQ(minimal_config_packages(stage), std::vector<std::string>{"dash"});
  stage.steps.push_back(step(planner::SetCmd{{"/app"}, false, {}}));
  EXPECT_TRUE(minimal_config_packages(stage).empty());
  planner::Healthcheck health;
  health.test = {"CMD-SHELL", "curl -f localhost"};
  stage.steps.push_back(step(health));
  EXPECT_EQ(minimal_config_packages(stage), std::vector<std::string>{"dash"});
}

} // namespace
} // namespace distill::backend::build
