// --build-context NAME=VALUE: parsing, and FROM / COPY --from pointed at it.

#include "backend/registry/named_context.hpp"

#include <gtest/gtest.h>

namespace {

using namespace distill;
using backend::registry::NamedContext;

planner::Plan two_stage_plan() {
  planner::Plan plan;
  planner::Stage base;
  base.name = "build";
  base.base.kind = planner::ImageBase{"golang:1.22", ""};
  plan.stages.push_back(base);
  planner::Stage app;
  app.index = 1;
  app.base.kind = planner::DistroBase{};
  std::get<planner::DistroBase>(app.base.kind).reference = "debian:bookworm";
  planner::Copy from_image;
  from_image.from = "tools";
  planner::Copy from_stage;
  from_stage.from = "build";
  from_stage.from_stage = 0;
  app.steps.push_back(planner::Step{from_image, ""});
  app.steps.push_back(planner::Step{from_stage, ""});
  plan.stages.push_back(app);
  return plan;
}

TEST(RegistryNamedContext, ParsesTheThreeKinds) {
  auto image = backend::registry::parse_named_context("base=docker-image://127.0.0.1:5000/base:1");
  ASSERT_TRUE(image) << image.error().message;
  EXPECT_EQ(image->name, "base");
  EXPECT_EQ(image->kind, NamedContext::Kind::image);
  EXPECT_EQ(image->value, "127.0.0.1:5000/base:1");
  auto layout = backend::registry::parse_named_context("tools=oci-layout:///srv/layouts/tools:v2");
  ASSERT_TRUE(layout);
  EXPECT_EQ(layout->kind, NamedContext::Kind::layout);
  EXPECT_EQ(layout->value, "/srv/layouts/tools");
  EXPECT_EQ(layout->tag, "v2");
  auto dir = backend::registry::parse_named_context("docs=../docs");
  ASSERT_TRUE(dir);
  EXPECT_EQ(dir->kind, NamedContext::Kind::directory);
  EXPECT_EQ(dir->value, "../docs");
}

TEST(RegistryNamedContext, BadArgumentsAreClearErrors) {
  for (const char* bad : {"noequals", "=docker-image://x", "name=", "Name=docker-image://x", "x=docker-image://",
                          "x=https://example.invalid/ctx.tar", "x=docker-image://Upper/Case"}) {
    auto parsed = backend::registry::parse_named_context(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().message.find("--build-context"), std::string::npos) << parsed.error().message;
  }
}

TEST(RegistryNamedContext, RewritesFromAndCopyFromButNotStages) {
  auto plan = two_stage_plan();
  std::vector<NamedContext> contexts{
      {"golang:1.22", NamedContext::Kind::image, "127.0.0.1:5000/go@sha256:" + std::string(64, 'a'), ""},
      {"debian:bookworm", NamedContext::Kind::layout, "/srv/deb", "12"},
      {"tools", NamedContext::Kind::layout, "/srv/tools", ""},
      {"build", NamedContext::Kind::image, "127.0.0.1:5000/never", ""},
  };
  ASSERT_TRUE(backend::registry::apply_named_contexts(plan, contexts));
  const auto& go = std::get<planner::ImageBase>(plan.stages[0].base.kind);
  EXPECT_EQ(go.reference, "127.0.0.1:5000/go@sha256:" + std::string(64, 'a'));
  EXPECT_EQ(go.digest, "sha256:" + std::string(64, 'a'));
  const auto& deb = std::get<planner::LayoutBase>(plan.stages[1].base.kind);
  EXPECT_EQ(deb.path, "/srv/deb");
  EXPECT_EQ(deb.tag, "12");
  EXPECT_EQ(std::get<planner::Copy>(plan.stages[1].steps[0].op).from, "oci-layout:///srv/tools");
  EXPECT_EQ(std::get<planner::Copy>(plan.stages[1].steps[1].op).from, "build"); // the stage wins

  auto layout = backend::registry::parse_layout_reference("oci-layout:///srv/tools");
  EXPECT_EQ(layout.path, "/srv/tools");
  EXPECT_EQ(layout.tag, "");
}

TEST(RegistryNamedContext, DirectoriesFeedCopyFromAndDuplicatesAreErrors) {
  auto plan = two_stage_plan();
  auto dir = backend::registry::apply_named_contexts(plan, {{"tools", NamedContext::Kind::directory, "/srv", ""}});
  ASSERT_TRUE(dir) << dir.error().message;
  EXPECT_EQ(std::get<planner::Copy>(plan.stages[1].steps[0].op).from, "context:///srv");
  auto twice = backend::registry::apply_named_contexts(
      plan, {{"a", NamedContext::Kind::image, "x", ""}, {"a", NamedContext::Kind::image, "y", ""}});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("given twice"), std::string::npos);
}

} // namespace
