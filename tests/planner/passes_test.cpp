#include "planner/passes/passes.hpp"
#include "planner/plan_dump.hpp"

#include <gtest/gtest.h>

#include <string>

namespace distill::planner::passes {
namespace {

InstallPackages install(std::vector<std::string> names, bool recommends = true) {
  InstallPackages op;
  for (std::string& name : names) op.packages.push_back({std::move(name), "", "", ""});
  op.recommends = recommends;
  return op;
}

Remove cleanup(std::string path) {
  Remove op;
  op.path = std::move(path);
  op.recursive = op.force = op.cache_cleanup = true;
  return op;
}

planner::Run run(std::string script) {
  planner::Run op;
  op.shell_form = true;
  op.script = std::move(script);
  return op;
}

Stage stage(BaseKind base, std::vector<Op> ops, int index = 0) {
  Stage out;
  out.index = index;
  out.base.kind = std::move(base);
  for (Op& op : ops) out.steps.push_back({std::move(op), ""});
  return out;
}

std::string ops(const Stage& stage) {
  std::string out;
  for (const Step& step : stage.steps) out += describe_op(step.op) + "\n";
  return out;
}

TEST(MergeInstalls, MergesAdjacentCompatibleOps) {
  Plan plan;
  InstallPackages purge;
  purge.purge = {"gcc"};
  purge.auto_remove = true;
  plan.stages.push_back(stage(DistroBase{}, {install({"curl"}, false), install({"git"}, false), install({"vim"}, true),
                                             run("make"), install({"gcc"}), purge, install({"jq"})}));
  EXPECT_EQ(merge_installs(plan), 2);
  EXPECT_EQ(ops(plan.stages[0]), "InstallPackages curl git [no-recommends]\n"
                                 "InstallPackages vim\n"
                                 "Run \"make\"\n"
                                 "InstallPackages gcc [purge gcc] [auto-remove]\n"
                                 "InstallPackages jq\n");
}

TEST(MergeInstalls, KeepsRecordsAndReleasesApart) {
  Plan plan;
  InstallPackages saved = install({"wget"});
  saved.save_manual = "savedAptMark";
  InstallPackages backports = install({"golang"});
  backports.default_release = "bookworm-backports";
  plan.stages.push_back(stage(DistroBase{}, {install({"curl"}), saved, backports}));
  EXPECT_EQ(merge_installs(plan), 0);
}

TEST(MergeInstalls, KeepsBothRanges) {
  Plan plan;
  InstallPackages a = install({"curl"});
  a.where = {{{2, 1, 10}, {2, 5, 14}}};
  InstallPackages b = install({"git"});
  b.where = {{{3, 1, 20}, {3, 5, 24}}};
  plan.stages.push_back(stage(DistroBase{}, {a, b}));
  merge_installs(plan);
  const auto& merged = std::get<InstallPackages>(plan.stages[0].steps[0].op);
  EXPECT_EQ(merged.where.size(), 2u);
}

TEST(DropIdleCleanup, DropsWhatNothingFilled) {
  Plan plan;
  plan.stages.push_back(stage(DistroBase{}, {install({"curl"}), cleanup("/var/lib/apt/lists/*"), run("make"),
                                             cleanup("/var/cache/apt/*")}));
  EXPECT_EQ(drop_idle_cleanup(plan), 2);
  EXPECT_EQ(ops(plan.stages[0]), "InstallPackages curl\nRun \"make\"\n");
}

TEST(DropIdleCleanup, KeepsCleanupAfterAptInShell) {
  Plan plan;
  plan.stages.push_back(stage(ScratchBase{}, {run("apt-get update && apt-get install -y $X"),
                                              cleanup("/var/lib/apt/lists/*"), cleanup("/var/lib/apt/lists/*")}));
  EXPECT_EQ(drop_idle_cleanup(plan), 1);
  EXPECT_EQ(ops(plan.stages[0]), "Run \"apt-get update && apt-get install -y $X\"\n"
                                 "Remove /var/lib/apt/lists/* [recursive] [force] [apt cache]\n");
}

TEST(DropIdleCleanup, ImageBasesMayHoldAnything) {
  Plan plan;
  plan.stages.push_back(stage(ImageBase{"python:3.13-slim", ""}, {cleanup("/var/lib/apt/lists/*")}));
  plan.stages.push_back(stage(StageBase{0}, {cleanup("/var/lib/apt/lists/*")}, 1));
  EXPECT_EQ(drop_idle_cleanup(plan), 1);
  EXPECT_EQ(plan.stages[0].steps.size(), 1u);
  EXPECT_TRUE(plan.stages[1].steps.empty()); // the parent stage cleaned up already
}

TEST(DropUnneededStages, KeepsTheTargetAndWhatItUses) {
  Plan plan;
  plan.stages.push_back(stage(DistroBase{}, {run("make")}, 0));       // used by COPY --from
  plan.stages.push_back(stage(DistroBase{}, {run("docs")}, 1));       // unused
  plan.stages.push_back(stage(DistroBase{}, {run("assets")}, 2));     // used by a mount
  Copy copy;
  copy.from = "build";
  copy.from_stage = 0;
  planner::Run with_mount = run("ls /assets");
  Mount mount;
  mount.from_stage = 2;
  with_mount.mounts.push_back(mount);
  plan.stages.push_back(stage(StageBase{0}, {copy, with_mount}, 3));
  plan.target = 3;
  RewriteNote dropped;
  dropped.stage = 1;
  RewriteNote kept;
  kept.stage = 2;
  plan.notes = {dropped, kept};
  EXPECT_EQ(drop_unneeded_stages(plan), 1);
  ASSERT_EQ(plan.stages.size(), 3u);
  EXPECT_EQ(plan.target, 2);
  EXPECT_EQ(plan.stages[2].index, 3);
  EXPECT_EQ(std::get<StageBase>(plan.stages[2].base.kind).stage, 0);
  EXPECT_EQ(std::get<Copy>(plan.stages[2].steps[0].op).from_stage, 0);
  EXPECT_EQ(std::get<planner::Run>(plan.stages[2].steps[1].op).mounts[0].from_stage, 1);
  ASSERT_EQ(plan.notes.size(), 1u);
  EXPECT_EQ(plan.notes[0].stage, 1);
}

} // namespace
} // namespace distill::planner::passes
