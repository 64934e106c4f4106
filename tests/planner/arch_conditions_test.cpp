#include "planner/rewrite/arch_conditions.hpp"
#include "planner/shell/reader.hpp"

#include <gtest/gtest.h>

#include <string>

namespace distill::planner::rewrite {
namespace {

BranchDecision decide(const std::string& text, const std::string& platform = "linux/amd64",
                      const ArchVariables& variables = {}) {
  const shell::Script script = shell::read_script(text);
  EXPECT_FALSE(script.error) << text;
  const shell::Command& command = script.list.items.at(0).pipelines.at(0).commands.at(0);
  return decide_arch_branch(command, script.text, variables, platform_arch(platform));
}

TEST(ArchConditions, Platforms) {
  EXPECT_EQ(platform_arch("linux/amd64").dpkg, "amd64");
  EXPECT_EQ(platform_arch("linux/amd64").uname, "x86_64");
  EXPECT_EQ(platform_arch("linux/arm64").uname, "aarch64");
  EXPECT_EQ(platform_arch("linux/arm/v7").dpkg, "armhf");
  EXPECT_EQ(platform_arch("linux/386").uname, ""); // depends on the kernel it runs on
  EXPECT_EQ(platform_arch("windows/amd64").dpkg, "");
}

TEST(ArchConditions, IfTests) {
  EXPECT_EQ(decide("if [ \"$(uname -m)\" = x86_64 ]; then a; fi").body, 1);
  EXPECT_EQ(decide("if [ `uname -m` = 'x86_64' ]; then a; else b; fi", "linux/arm64").body, 2);
  EXPECT_EQ(decide("if [ \"$(uname -m)\" = aarch64 ]; then a; fi").body, -1);
  EXPECT_TRUE(decide("if [ \"$(uname -m)\" = aarch64 ]; then a; fi").decided);
  EXPECT_EQ(decide("if test \"$(dpkg --print-architecture)\" != amd64; then a; elif [ x86_64 == \"$(uname -m)\" ]; "
                   "then b; fi").body, 3);
  EXPECT_EQ(decide("if [ \"$a\" = amd64 ]; then a; fi", "linux/amd64", {{"a", "amd64"}}).body, 1);
  EXPECT_FALSE(decide("if [ \"$(uname -m)\" = x86_64 ] && true; then a; fi").decided);
  EXPECT_FALSE(decide("if [ \"$(uname -m)\" = \"$X\" ]; then a; fi").decided);
  EXPECT_FALSE(decide("if [ \"$a\" = amd64 ]; then a; fi").decided);
  EXPECT_FALSE(decide("if [ \"$(uname -m)\" = x86_64 ]; then a; fi", "linux/386").decided);
}

TEST(ArchConditions, CaseItems) {
  EXPECT_EQ(decide("case \"$(dpkg --print-architecture)\" in arm64) a ;; amd64|i386) b ;; esac").body, 1);
  EXPECT_EQ(decide("case \"${v##*-}\" in arm64) a ;; *) b ;; esac", "linux/amd64", {{"v", "amd64"}}).body, 1);
  EXPECT_EQ(decide("case \"$(dpkg --print-architecture)\" in arm64) a ;; esac").body, -1);
  EXPECT_FALSE(decide("case \"$(dpkg --print-architecture)\" in arm*) a ;; esac").decided);
  EXPECT_FALSE(decide("case \"$(dpkg --print-architecture)\" in amd64) a ;& arm64) b ;; esac").decided);
  EXPECT_FALSE(decide("case \"$v\" in amd64) a ;; esac").decided);
}

} // namespace
} // namespace distill::planner::rewrite
