#include "backend/deb/deb_reader.hpp"

#include "deb_test_support.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

namespace distill::backend::deb {
namespace {

using testing::build_deb;
using testing::DebSpec;
using testing::RawMember;
using testing::StagedFile;
using testing::TempDir;
using K = StagedFile::Kind;

DebSpec tool_spec(const std::string& compression) {
  DebSpec spec;
  spec.name = "tool";
  spec.compression = compression;
  spec.control_files = {{"postinst", "#!/bin/sh\nset -e\nupdate-alternatives --install "
                                     "/usr/bin/tool tool /usr/bin/tool.real 20\n"},
                        {"conffiles", "/etc/tool.conf\n"},
                        {"triggers", "interest-noawait /usr/share/tool\n"},
                        {"md5sums", "0123456789abcdef0123456789abcdef  bin/tool\n"}};
  spec.files = {
      {K::dir, "bin", "", 0755},
      {K::file, "bin/tool", "#!/bin/sh\necho tool\n", 0755},
      {K::file, "usr/bin/su-tool", "ELF-ish", 04755, 0, 0},
      {K::file, "usr/bin/chage-like", "shadow group", 02755, 0, 42},
      {K::file, "usr/bin/tool.real", std::string(5000, 'x'), 0755},
      {K::hardlink, "usr/bin/tool.link", "usr/bin/tool.real", 0755},
      {K::symlink, "usr/bin/tool-sym", "tool.real"},
      {K::symlink, "sbin/abs-sym", "/usr/bin/tool.real"},
      {K::file, "lib64/ld-fake.so.2", "loader", 0755},
      {K::file, "etc/tool.conf", "key=value\n", 0644},
      {K::dir, "var/lib/tool", "", 0750},
  };
  return spec;
}

class DebReaderTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DebReaderTest, ReadsControlAndDataWithMergedUsr) {
  TempDir dir;
  std::string log;
  const auto deb = build_deb(dir.path(), tool_spec(GetParam()), &log);
  ASSERT_FALSE(deb.empty()) << log;

  auto package = read_deb(deb);
  ASSERT_TRUE(package) << package.error().message;
  EXPECT_NE(package->control.control.find("Package: tool\n"), std::string::npos);
  EXPECT_NE(package->control.member("postinst").find("update-alternatives"), std::string::npos);
  EXPECT_EQ(package->control.conffiles, "/etc/tool.conf\n");
  EXPECT_EQ(package->control.triggers, "interest-noawait /usr/share/tool\n");
  EXPECT_EQ(package->control.md5sums, "0123456789abcdef0123456789abcdef  bin/tool\n");
  EXPECT_EQ(package->data_compression, GetParam() == "none" ? "none" : GetParam() == "gzip" ? "gzip" : GetParam());

  const auto& tree = package->data;
  // merged-/usr: ./bin/tool, ./sbin/abs-sym and ./lib64/... land in /usr.
  EXPECT_FALSE(tree.contains("/bin"));
  EXPECT_FALSE(tree.contains("/bin/tool"));
  ASSERT_TRUE(tree.contains("/usr/bin/tool"));
  EXPECT_EQ(tree.find("/usr/bin/tool")->mode, 0755u);
  EXPECT_EQ(*fs::read_content(tree.find("/usr/bin/tool")->content), "#!/bin/sh\necho tool\n");
  ASSERT_TRUE(tree.contains("/usr/lib64/ld-fake.so.2"));
  ASSERT_TRUE(tree.contains("/usr/sbin/abs-sym"));
  EXPECT_EQ(tree.find("/usr/sbin/abs-sym")->type, fs::EntryType::symlink);
  EXPECT_EQ(tree.find("/usr/sbin/abs-sym")->link_target, "/usr/bin/tool.real");
  EXPECT_EQ(tree.find("/usr/bin/tool-sym")->link_target, "tool.real");

  // Modes and owners.
  EXPECT_EQ(tree.find("/usr/bin/su-tool")->mode, 04755u);
  EXPECT_EQ(tree.find("/var/lib/tool")->mode, 0750u);
  EXPECT_TRUE(tree.find("/var/lib/tool")->is_dir());
  if (geteuid() == 0) {
    EXPECT_EQ(tree.find("/usr/bin/chage-like")->gid, 42u);
    EXPECT_EQ(tree.find("/usr/bin/chage-like")->mode, 02755u);
    EXPECT_EQ(tree.find("/usr/bin/su-tool")->uid, 0u);
  }

  // Hard links stay hard links, to the merged path of their source.
  const auto* a = tree.find("/usr/bin/tool.real");
  const auto* b = tree.find("/usr/bin/tool.link");
  ASSERT_TRUE(a && b);
  const bool a_is_link = a->type == fs::EntryType::hardlink;
  const auto* link = a_is_link ? a : b;
  EXPECT_EQ(link->type, fs::EntryType::hardlink);
  EXPECT_EQ(link->link_target, a_is_link ? "/usr/bin/tool.link" : "/usr/bin/tool.real");
  EXPECT_EQ(*fs::read_content(tree.link_source("/usr/bin/tool.link")->content),
            std::string(5000, 'x'));

  // The package's own spelling is kept for dpkg's file list.
  const auto& listed = package->listed_paths;
  EXPECT_NE(std::find(listed.begin(), listed.end(), "/bin/tool"), listed.end());
  EXPECT_NE(std::find(listed.begin(), listed.end(), "/bin"), listed.end());
  EXPECT_EQ(std::find(listed.begin(), listed.end(), "/usr/bin/tool"), listed.end());
}

INSTANTIATE_TEST_SUITE_P(Compressions, DebReaderTest,
                         ::testing::Values("xz", "zstd", "gzip", "none"));

TEST(DebReader, WithoutMergedUsrKeepsPaths) {
  TempDir dir;
  const auto deb = build_deb(dir.path(), tool_spec("xz"));
  ASSERT_FALSE(deb.empty());
  ReadOptions options;
  options.merged_usr = false;
  auto package = read_deb(deb, options);
  ASSERT_TRUE(package) << package.error().message;
  EXPECT_TRUE(package->data.contains("/bin/tool"));
  EXPECT_TRUE(package->data.contains("/lib64/ld-fake.so.2"));
  EXPECT_FALSE(package->data.contains("/usr/bin/tool"));
}

TEST(DebReader, SpoolsBigFilesAndCleansUpOnFailure) {
  TempDir dir;
  const auto deb = build_deb(dir.path(), tool_spec("xz"));
  ASSERT_FALSE(deb.empty());
  ReadOptions options;
  options.spool_dir = dir.path() / "spool";
  options.spool_threshold = 4096;
  auto package = read_deb(deb, options);
  ASSERT_TRUE(package) << package.error().message;
  const auto* source = package->data.link_source("/usr/bin/tool.real");
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->content.bytes, nullptr);
  EXPECT_EQ(source->content.size, 5000u);
  EXPECT_EQ(*fs::read_content(source->content), std::string(5000, 'x'));
  EXPECT_TRUE(package->data.find("/usr/bin/tool")->content.bytes != nullptr);

  // A package that fails after spooling leaves no spool file behind.
  const auto bad = dir.path() / "bad.deb";
  testing::write_raw_deb(bad, "Package: bad\nVersion: 1\n",
                         {{"./usr/big", 'f', std::string(8192, 'b')}, {"../escape", 'f', "x"}});
  const auto before = std::distance(std::filesystem::directory_iterator(options.spool_dir),
                                    std::filesystem::directory_iterator());
  EXPECT_FALSE(read_deb(bad, options));
  const auto after = std::distance(std::filesystem::directory_iterator(options.spool_dir),
                                   std::filesystem::directory_iterator());
  EXPECT_EQ(before, after);
}

struct MaliciousCase {
  const char* label;
  std::vector<RawMember> members;
  const char* error_part;
};

class MaliciousDebTest : public ::testing::TestWithParam<MaliciousCase> {};

TEST_P(MaliciousDebTest, IsRejectedWithoutTouchingTheDisk) {
  TempDir dir;
  const auto deb = dir.path() / "evil.deb";
  testing::write_raw_deb(deb, "Package: evil\nVersion: 1\n", GetParam().members);
  const auto outside = dir.path().parent_path() / "distill-evil-marker";
  auto package = read_deb(deb);
  ASSERT_FALSE(package) << GetParam().label;
  EXPECT_NE(package.error().message.find(GetParam().error_part), std::string::npos)
      << package.error().message;
  EXPECT_NE(package.error().message.find("evil.deb"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(outside));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MaliciousDebTest,
    ::testing::Values(
        MaliciousCase{"dotdot", {{"./usr/", 'd', "", 0755}, {"../distill-evil-marker", 'f', "x"}},
                      "'..'"},
        MaliciousCase{"dotdot-inside", {{"./usr/../../distill-evil-marker", 'f', "x"}}, "'..'"},
        MaliciousCase{"through-absolute-symlink",
                      {{"./usr/share/evil", 'l', "/etc"}, {"./usr/share/evil/passwd", 'f', "x"}},
                      "is a symlink"},
        MaliciousCase{"through-relative-symlink",
                      {{"./usr/lib/up", 'l', "../../../../../../tmp"},
                       {"./usr/lib/up/distill-evil-marker", 'f', "x"}},
                      "is a symlink"},
        MaliciousCase{"hardlink-outside",
                      {{"./usr/bin/x", 'h', "../../etc/shadow"}}, "'..'"},
        MaliciousCase{"hardlink-to-absent",
                      {{"./usr/bin/x", 'h', "/etc/shadow"}}, "not an earlier regular file"},
        MaliciousCase{"device", {{"./dev/null", 'c', ""}}, "device"},
        MaliciousCase{"merged-usr-clash",
                      {{"./bin/sh", 'f', "one"}, {"./usr/bin/sh", 'f', "two"}}, "twice"}),
    [](const auto& case_info) {
      std::string name = case_info.param.label;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

TEST(DebReader, AbsoluteMemberNamesStayUnderTheRoot) {
  TempDir dir;
  const auto deb = dir.path() / "abs.deb";
  testing::write_raw_deb(deb, "Package: abs\nVersion: 1\n",
                         {{"/etc/abs.conf", 'f', "k=v\n"},
                          {"./usr/share/link", 'l', "../../../../etc/shadow"},
                          {"./bin/same", 'f', "same"},
                          {"./usr/bin/same", 'f', "same"}});
  auto package = read_deb(deb);
  ASSERT_TRUE(package) << package.error().message;
  EXPECT_TRUE(package->data.contains("/etc/abs.conf"));
  // A symlink's target is data: it is kept, and only ever resolved inside the tree.
  EXPECT_EQ(package->data.find("/usr/share/link")->link_target, "../../../../etc/shadow");
  EXPECT_EQ(*package->data.resolve("/usr/share/link"), "/etc/shadow");
  EXPECT_EQ(*fs::read_content(package->data.find("/usr/bin/same")->content), "same");
}

TEST(DebReader, RejectsNonDebs) {
  TempDir dir;
  const auto path = dir.path() / "not.deb";
  std::ofstream(path) << "just text\n";
  auto package = read_deb(path);
  ASSERT_FALSE(package);
  EXPECT_NE(package.error().message.find("not.deb"), std::string::npos);
  EXPECT_FALSE(read_deb(dir.path() / "missing.deb"));
}

} // namespace
} // namespace distill::backend::deb
