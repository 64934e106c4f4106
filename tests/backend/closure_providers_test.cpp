#include "backend/build/closure_providers.hpp"

#include "deb_test_support.hpp"

#include <gtest/gtest.h>

namespace distill::backend::build {
namespace {

using distill::backend::testing::build_deb;
using distill::backend::testing::DebSpec;
using distill::backend::testing::StagedFile;
using distill::backend::testing::TempDir;
using K = StagedFile::Kind;

class ClosureProvidersTest : public ::testing::Test {
protected:
  LockedPackage package(const std::string& name, std::vector<StagedFile> files) {
    DebSpec spec;
    spec.name = name;
    spec.files = std::move(files);
    std::string log;
    LockedPackage out;
    out.name = name;
    out.version = spec.version;
    out.deb = build_deb(m_temp.path(), spec, &log);
    EXPECT_FALSE(out.deb.empty()) << log;
    return out;
  }
  std::vector<LockedPackage> candidates() {
    return {
        package("libc6", {{K::file, "lib/x86_64-linux-gnu/libc.so.6", "elf", 0755},
                          {K::file, "lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "elf", 0755},
                          {K::symlink, "lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"},
                          {K::file, "usr/share/doc/libc6/libm.so.6", "not a library dir"}}),
        package("dash", {{K::file, "bin/dash", "elf", 0755}, {K::symlink, "bin/sh", "dash"}}),
        package("bash", {{K::file, "bin/bash", "elf", 0755}}),
        package("python3-minimal", {{K::file, "usr/bin/python3.11", "elf", 0755},
                                    {K::symlink, "usr/bin/python3", "python3.11"}}),
        // Ships /bin/sh too: the first by name (dash) wins, whatever the list order.
        package("zz-busybox", {{K::file, "bin/sh", "elf", 0755}}),
    };
  }
  TempDir m_temp;
};

TEST_F(ClosureProvidersTest, EachMissingThingFindsThePackageThatShipsIt) {
  const std::vector<ClosureProblem> problems{
      {"/usr/local/bin/probe", "/bin/sh", "#! interpreter"},
      {"/usr/local/bin/hello", "/lib64/ld-linux-x86-64.so.2", "ELF program interpreter"},
      {"/usr/local/bin/hello", "libc.so.6", "DT_NEEDED"},
      {"/usr/local/bin/tool.py", "python3", "#! program run through env"},
      {"CMD", "bash", "the program CMD runs"},
  };
  auto found = closure_additions(problems, candidates(), true);
  ASSERT_TRUE(found.has_value()) << found.error().message;
  EXPECT_EQ(found->packages, (std::vector<std::string>{"bash", "dash", "libc6", "python3-minimal"}));
  EXPECT_TRUE(found->unresolved.empty());
  ASSERT_EQ(found->reasons.size(), 5u);
  EXPECT_EQ(found->reasons[0], "dash: /usr/bin/sh (#! interpreter of /usr/local/bin/probe)");
  EXPECT_EQ(found->reasons[2], "libc6: /usr/lib/x86_64-linux-gnu/libc.so.6 (DT_NEEDED of /usr/local/bin/hello)");
}

TEST_F(ClosureProvidersTest, WhatNoCandidateShipsStaysAProblem) {
  const std::vector<ClosureProblem> problems{
      {"USER", "app", "a user in /etc/passwd"},
      {"/usr/local/bin/hello", "libm.so.6", "DT_NEEDED"}, // only under /usr/share/doc: not a library
      {"/usr/local/bin/run", "/opt/runtime/bin/node", "#! interpreter"},
  };
  auto found = closure_additions(problems, candidates(), true);
  ASSERT_TRUE(found.has_value()) << found.error().message;
  EXPECT_TRUE(found->packages.empty());
  ASSERT_EQ(found->unresolved.size(), 3u);
  EXPECT_EQ(found->unresolved[1].missing, "libm.so.6");
}

TEST_F(ClosureProvidersTest, WithoutMergedUsrPathsMatchAsShipped) {
  const std::vector<ClosureProblem> problems{{"/app/run", "/bin/sh", "#! interpreter"},
                                             {"/app/run2", "/usr/bin/sh", "#! interpreter"}};
  auto found = closure_additions(problems, candidates(), false);
  ASSERT_TRUE(found.has_value()) << found.error().message;
  EXPECT_EQ(found->packages, (std::vector<std::string>{"dash"}));
  ASSERT_EQ(found->unresolved.size(), 1u);
  EXPECT_EQ(found->unresolved[0].missing, "/usr/bin/sh");
}

TEST_F(ClosureProvidersTest, AnUnreadablePackageIsAnError) {
  LockedPackage broken;
  broken.name = "broken";
  broken.deb = m_temp.path() / "missing.deb";
  auto found = closure_additions({{"/x", "/bin/sh", "#! interpreter"}}, {broken}, true);
  ASSERT_FALSE(found.has_value());
  EXPECT_NE(found.error().message.find("broken"), std::string::npos) << found.error().message;
}

} // namespace
} // namespace distill::backend::build
