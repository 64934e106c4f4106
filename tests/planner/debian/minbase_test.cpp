#include "planner/debian/minbase.hpp"

#include "oracle.hpp"

#include <fstream>
#include <regex>

#include <gtest/gtest.h>

namespace distill::planner::debian {
namespace {

std::vector<std::string> names_of(const std::vector<Selected>& selected) {
  std::vector<std::string> out;
  for (const Selected& s : selected) {
    out.emplace_back(s.package->name);
  }
  return out;
}

TEST(Minbase, OptionsPerSuite) {
  auto bookworm = minbase_options("bookworm");
  EXPECT_EQ(bookworm.extra, (std::vector<std::string>{"apt", "usr-is-merged"}));
  EXPECT_EQ(bookworm.exclude_dependencies, (std::vector<std::string>{"usrmerge"}));
  auto trixie = minbase_options("trixie");
  EXPECT_EQ(trixie.extra, (std::vector<std::string>{"apt"}));
  EXPECT_EQ(trixie.exclude_dependencies, (std::vector<std::string>{"usrmerge"}));
  EXPECT_TRUE(minbase_options("bullseye").exclude_dependencies.empty());
}

TEST(Minbase, DebootstrapRuleOnASmallIndex) {
  PackageIndex index;
  IndexOrigin base;
  base.file = "base";
  base.codename = "bookworm";
  ASSERT_TRUE(index.add("Package: base-files\nVersion: 1\nArchitecture: amd64\nPriority: required\n"
                        "Depends: awk | mawk, libc6 (>= 2), init-system-helpers\n\n"
                        "Package: init-system-helpers\nVersion: 1\nArchitecture: all\nPriority: required\n"
                        "Depends: usrmerge | usr-is-merged\n\n"
                        "Package: usrmerge\nVersion: 1\nArchitecture: all\nDepends: perl\n\n"
                        "Package: usr-is-merged\nVersion: 1\nArchitecture: all\n\n"
                        "Package: mawk\nVersion: 1\nArchitecture: amd64\nProvides: awk\n\n"
                        "Package: libc6\nVersion: 2.36-9\nArchitecture: amd64\nRecommends: libidn2-0\n\n"
                        "Package: libidn2-0\nVersion: 1\nArchitecture: amd64\n\n"
                        "Package: apt\nVersion: 2.6\nArchitecture: amd64\nPriority: important\n"
                        "Pre-Depends: libapt-pkg6.0:any\n\n"
                        "Package: libapt-pkg6.0\nVersion: 2.6\nArchitecture: amd64\n\n"
                        "Package: perl\nVersion: 5\nArchitecture: amd64\n\n"
                        "Package: optional-thing\nVersion: 1\nArchitecture: amd64\nPriority: optional\n",
                        base));
  IndexOrigin security;
  security.file = "security";
  security.codename = "bookworm-security";
  ASSERT_TRUE(index.add("Package: libc6\nVersion: 2.36-9+deb12u9\nArchitecture: amd64\nDepends: new-dep\n\n"
                        "Package: new-dep\nVersion: 1\nArchitecture: amd64\n\n"
                        "Package: only-in-security\nVersion: 1\nArchitecture: amd64\nPriority: required\n",
                        security));
  auto result = minbase_packages(index, minbase_options("bookworm"));
  ASSERT_TRUE(result) << result.error().message;
  // awk is virtual (dropped, not resolved), usrmerge excluded, Recommends
  // ignored, libc6 upgraded from -security with its new dependency.
  EXPECT_EQ(names_of(*result), (std::vector<std::string>{"apt", "base-files", "init-system-helpers", "libapt-pkg6.0",
                                                         "libc6", "new-dep", "usr-is-merged"}));
  for (const Selected& s : *result) {
    if (s.package->name == "libc6") {
      EXPECT_EQ(s.package->version, "2.36-9+deb12u9");
      EXPECT_EQ(s.reason.describe(), "dependency of base-files via 'Depends: libc6 (>= 2)'");
    }
    if (s.package->name == "base-files") {
      EXPECT_EQ(s.reason.describe(), "Priority: required");
    }
    if (s.package->name == "apt") {
      EXPECT_EQ(s.reason.describe(), "minbase base package");
    }
  }
  EXPECT_FALSE(minbase_packages(index, minbase_options("trixie")));
  auto missing = minbase_options("bookworm");
  missing.extra.push_back("nonexistent");
  EXPECT_EQ(minbase_packages(index, missing).error().message,
            "minbase package 'nonexistent' is not in suite 'bookworm'");
}

// The 88 names of debian:bookworm's rootfs.manifest (reference 2.2).
std::vector<std::string> reference_bookworm_names() {
  std::ifstream in(std::string(DISTILL_SOURCE_DIR) + "/../shared/reference/official-base-images.md");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t start = text.find("### 2.2 `debian:bookworm`");
  std::size_t end = text.find("### 2.3", start);
  if (start == std::string::npos || end == std::string::npos) {
    return {};
  }
  std::string section = text.substr(start, end - start);
  section = section.substr(section.find('\n'));
  std::vector<std::string> names;
  std::regex entry(R"(([a-z0-9][a-z0-9+.-]+)(:amd64)?=[^,\s]+)");
  for (auto it = std::sregex_iterator(section.begin(), section.end(), entry); it != std::sregex_iterator(); ++it) {
    names.push_back((*it)[1]);
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(Minbase, BookwormMatchesTheOfficialImageManifest) {
  auto expected = reference_bookworm_names();
  if (expected.empty()) {
    GTEST_SKIP() << "shared reference official-base-images.md not found";
  }
  if (!testing::host_has_bookworm()) {
    GTEST_SKIP() << "no bookworm amd64 index in " << testing::k_lists_dir;
  }
  ASSERT_EQ(expected.size(), 88u);
  const PackageIndex* index = testing::host_index();
  ASSERT_NE(index, nullptr);
  auto result = minbase_packages(*index, minbase_options("bookworm"));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(names_of(*result), expected);
}

} // namespace
} // namespace distill::planner::debian
