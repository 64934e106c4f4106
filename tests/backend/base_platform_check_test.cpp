// BuildKit's InvalidBaseImagePlatform check on a pulled base image
// (backend/build/base_platform_check.hpp).

#include "backend/build/base_platform_check.hpp"

#include <gtest/gtest.h>

namespace distill::backend::build {
namespace {

oci::Platform pulled(std::string os, std::string architecture, std::string variant = "") {
  return oci::Platform{std::move(architecture), std::move(os), std::move(variant)};
}

TEST(BasePlatformCheck, AMismatchIsAWarningWordedAsBuildKits) {
  const support::SourceRange from{{3, 1, 40}, {3, 21, 60}};
  const auto found = check_base_platform("linux/amd64", "debian:bookworm", pulled("linux", "arm64", "v8"), from);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->severity, support::Severity::warning);
  EXPECT_EQ(found->kind, "InvalidBaseImagePlatform");
  EXPECT_EQ(found->message,
            "base image debian:bookworm was pulled with platform \"linux/arm64\", expected \"linux/amd64\" for current build");
  EXPECT_EQ(found->where.begin.line, 3);
  EXPECT_EQ(found->where.end.column, 21);
  EXPECT_NE(found->hint.find("linux/amd64"), std::string::npos);
}

TEST(BasePlatformCheck, OsAndArchitectureCount) {
  EXPECT_TRUE(check_base_platform("linux/arm64", "alpine:3.20", pulled("linux", "amd64")));
  EXPECT_TRUE(check_base_platform("linux/amd64", "mcr.microsoft.com/windows:ltsc2022", pulled("windows", "amd64")));
  EXPECT_TRUE(check_base_platform("linux/arm/v7", "busybox", pulled("linux", "arm64")));
  EXPECT_TRUE(check_base_platform("linux/386", "busybox", pulled("linux", "amd64")));
  const auto arm = check_base_platform("linux/arm64", "busybox", pulled("linux", "arm", "v7"));
  ASSERT_TRUE(arm);
  EXPECT_EQ(arm->message,
            "base image busybox was pulled with platform \"linux/arm/v7\", expected \"linux/arm64\" for current build");
}

TEST(BasePlatformCheck, MatchingPlatformsGiveNothing) {
  EXPECT_FALSE(check_base_platform("linux/amd64", "debian:bookworm", pulled("linux", "amd64")));
  // Names normalised as containerd does: arm64's v8 is arm64, x86_64 is amd64, aarch64 is arm64.
  EXPECT_FALSE(check_base_platform("linux/arm64", "debian", pulled("linux", "arm64", "v8")));
  EXPECT_FALSE(check_base_platform("linux/arm64/v8", "debian", pulled("linux", "aarch64")));
  EXPECT_FALSE(check_base_platform("linux/x86_64", "debian", pulled("Linux", "amd64")));
  // As in BuildKit, the variant does not count.
  EXPECT_FALSE(check_base_platform("linux/arm/v7", "debian", pulled("linux", "arm", "v6")));
  // Not a platform: the build reports that itself.
  EXPECT_FALSE(check_base_platform("amd64", "debian", pulled("linux", "arm64")));
}

TEST(BasePlatformCheck, NormalisesAsContainerd) {
  const auto text = [](oci::Platform p) {
    p = normalized_platform(std::move(p));
    return p.os + "/" + p.architecture + (p.variant.empty() ? "" : "/" + p.variant);
  };
  EXPECT_EQ(text(pulled("linux", "aarch64", "8")), "linux/arm64");
  EXPECT_EQ(text(pulled("linux", "arm64", "9.0")), "linux/arm64/v9");
  EXPECT_EQ(text(pulled("linux", "armhf")), "linux/arm/v7");
  EXPECT_EQ(text(pulled("linux", "armel")), "linux/arm/v6");
  EXPECT_EQ(text(pulled("linux", "arm")), "linux/arm/v7");
  EXPECT_EQ(text(pulled("linux", "arm", "5")), "linux/arm/v5");
  EXPECT_EQ(text(pulled("linux", "x86-64", "v1")), "linux/amd64");
  EXPECT_EQ(text(pulled("linux", "i386")), "linux/386");
  EXPECT_EQ(text(pulled("MacOS", "arm64")), "darwin/arm64");
}

} // namespace
} // namespace distill::backend::build
