#include "planner/debian/status.hpp"

#include "host_index.hpp"

#include <fstream>

#include <gtest/gtest.h>

namespace distill::planner::debian {
namespace {

TEST(Status, InstalledStates) {
  EXPECT_TRUE(is_installed_status("install ok installed"));
  EXPECT_TRUE(is_installed_status("hold ok installed"));
  EXPECT_FALSE(is_installed_status("deinstall ok config-files"));
  EXPECT_FALSE(is_installed_status("install ok half-installed"));
  EXPECT_FALSE(is_installed_status("install reinstreq installed"));
  EXPECT_FALSE(is_installed_status("purge ok not-installed"));
  EXPECT_FALSE(is_installed_status(""));
}

TEST(Status, KeepsOnlyInstalledStanzas) {
  auto index = parse_status("Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\n"
                            "Package: b\nStatus: deinstall ok config-files\nVersion: 2\nArchitecture: amd64\n\n"
                            "Package: c\nStatus: hold ok installed\nVersion: 3\nArchitecture: all\n"
                            "Provides: virt\n");
  ASSERT_TRUE(index) << index.error().message;
  EXPECT_EQ(index->size(), 2u);
  EXPECT_FALSE(index->versions_of("a").empty());
  EXPECT_TRUE(index->versions_of("b").empty());
  EXPECT_EQ(index->providers_of("virt").size(), 1u);
  EXPECT_EQ(index->origin(0).pin_priority, 100);
}

TEST(Status, ReadsAStatusDirectory) {
  testing::TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::ofstream(dir.path() / "libc6") << "Package: libc6\nVersion: 2.36-9\nArchitecture: amd64\n";
  std::ofstream(dir.path() / "libc6.md5sums") << "0123  usr/lib/x\n";
  std::ofstream(dir.path() / "base-files") << "Package: base-files\nVersion: 12.4\nArchitecture: amd64\n"
                                               "Status: install ok installed\n";
  std::ofstream(dir.path() / "gone") << "Package: gone\nVersion: 1\nArchitecture: amd64\n"
                                         "Status: purge ok not-installed\n";
  auto index = load_installed(dir.path());
  ASSERT_TRUE(index) << index.error().message;
  EXPECT_EQ(index->names(), (std::vector<std::string_view>{"base-files", "libc6"}));
}

TEST(Status, Errors) {
  auto missing = load_installed("/nonexistent/distill/status");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "cannot read /nonexistent/distill/status: No such file or directory");
  auto bad = parse_status("Package: a\nStatus: install ok installed\nVersion: 1\n", "root/var/lib/dpkg/status");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "root/var/lib/dpkg/status: line 1: package a has no Architecture");
}

// The host's own dpkg database gives the same installed set as dpkg-query.
TEST(Status, MatchesDpkgQueryOnTheHost) {
  if (!std::filesystem::exists("/var/lib/dpkg/status") || testing::run_command("command -v dpkg-query").empty()) {
    GTEST_SKIP() << "no dpkg database on this host";
  }
  auto index = load_status_file("/var/lib/dpkg/status");
  ASSERT_TRUE(index) << index.error().message;
  std::string out = testing::run_command(
      "dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\\n' | awk '$1 ~ /^[ih]i/ {print $2\" \"$3}' | LC_ALL=C sort");
  std::string ours;
  std::vector<std::string> lines;
  for (const Package& p : index->packages()) {
    lines.push_back(std::string(p.name) + " " + std::string(p.version));
  }
  std::sort(lines.begin(), lines.end());
  for (const auto& line : lines) {
    ours += line + "\n";
  }
  EXPECT_EQ(ours, out);
  EXPECT_GT(lines.size(), 10u);
}

} // namespace
} // namespace distill::planner::debian
