// A step's changes become a layer: new and changed files, whiteouts for
// deletions, an opaque directory for a replaced one, nothing unchanged; the
// same with overlayfs and with the copy fallback.

#include "sandbox_fixture.hpp"

namespace sandbox_test {
namespace {

class SandboxCapture : public SandboxTest, public ::testing::WithParamInterface<sb::RootfsMode> {};

TEST_P(SandboxCapture, CreateModifyDeleteBecomeALayerWithWhiteouts) {
  m_options.rootfs = GetParam();
  auto result = run(shell_run("echo new > /new.txt && echo changed >> /etc/modify && rm /etc/delete"
                              " && rm -rf /data/dir && mkdir /data/dir && echo c > /data/dir/c"
                              " && ln -s new.txt /link && mkdir -p /made/deep && chmod 0750 /made"));
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(result->used_overlay, GetParam() != sb::RootfsMode::copy);
  const fs::Tree& layer = result->layer;

  EXPECT_EQ(content_of(layer, "/new.txt"), "new\n");
  EXPECT_EQ(content_of(layer, "/etc/modify"), "before\nchanged\n");
  const fs::Entry* deleted = layer.find("/etc/delete");
  ASSERT_NE(deleted, nullptr);
  EXPECT_EQ(deleted->type, fs::EntryType::whiteout);
  const fs::Entry* dir = layer.find("/data/dir");
  ASSERT_NE(dir, nullptr);
  EXPECT_TRUE(dir->is_dir());
  if (GetParam() == sb::RootfsMode::overlay) {
    EXPECT_TRUE(dir->opaque) << "a directory removed and made again hides the lower one";
  } else {
    // The copy fallback sees the same directory (inode numbers are reused) and
    // records the removed children as whiteouts instead: the same result.
    EXPECT_TRUE(dir->opaque || (layer.find("/data/dir/a") != nullptr &&
                                layer.find("/data/dir/a")->type == fs::EntryType::whiteout));
  }
  // Applied over the base, the layer gives exactly what the step left.
  fs::Tree applied = m_base;
  auto merged = fs::apply_layer(applied, layer);
  ASSERT_TRUE(merged) << merged.error().message;
  EXPECT_EQ(applied.children("/data/dir"), std::vector<std::string>{"/data/dir/c"});
  EXPECT_FALSE(applied.contains("/etc/delete"));
  EXPECT_EQ(content_of(applied, "/etc/keep"), "keep\n");
  EXPECT_EQ(content_of(applied, "/etc/modify"), "before\nchanged\n");
  EXPECT_EQ(content_of(layer, "/data/dir/c"), "c\n");
  const fs::Entry* link = layer.find("/link");
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->type, fs::EntryType::symlink);
  EXPECT_EQ(link->link_target, "new.txt");
  ASSERT_NE(layer.find("/made"), nullptr);
  EXPECT_EQ(layer.find("/made")->mode, 0750u);
  EXPECT_TRUE(layer.contains("/made/deep"));

  // Files the step did not touch are not in the layer, nor the mount points.
  EXPECT_FALSE(layer.contains("/etc/keep"));
  EXPECT_FALSE(layer.contains("/bin/busybox"));
  EXPECT_FALSE(layer.contains("/bin/sh"));
  EXPECT_FALSE(layer.contains("/proc"));
  EXPECT_FALSE(layer.contains("/dev"));
  EXPECT_FALSE(layer.contains("/sys"));
  EXPECT_FALSE(layer.contains("/etc/hosts"));
  EXPECT_FALSE(layer.contains("/etc/resolv.conf"));
  // Owners are the in-image ones.
  EXPECT_EQ(layer.find("/new.txt")->uid, 0u);
  EXPECT_EQ(layer.find("/new.txt")->gid, 0u);
}

TEST_P(SandboxCapture, ChownToAnotherUserIsRecordedInImageIds) {
  if (single_mapping_only()) {
    GTEST_SKIP() << "only a single uid mapping is available: chown to other ids is impossible";
  }
  m_options.rootfs = GetParam();
  auto result = run(shell_run("echo x > /owned && chown 1234:4321 /owned && chown 1000 /etc/keep"));
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  ASSERT_NE(result->layer.find("/owned"), nullptr);
  EXPECT_EQ(result->layer.find("/owned")->uid, 1234u);
  EXPECT_EQ(result->layer.find("/owned")->gid, 4321u);
  ASSERT_NE(result->layer.find("/etc/keep"), nullptr);
  EXPECT_EQ(result->layer.find("/etc/keep")->uid, 1000u);
  EXPECT_EQ(content_of(result->layer, "/etc/keep"), "keep\n");
}

TEST_P(SandboxCapture, AStepThatChangesNothingGivesAnEmptyLayer) {
  m_options.rootfs = GetParam();
  auto result = run(shell_run("cat /etc/keep > /dev/null && ls / > /dev/null"));
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  std::string listed;
  for (const auto& [path, entry] : result->layer.entries()) {
    listed += path + " ";
  }
  EXPECT_TRUE(result->layer.empty()) << listed;
}

INSTANTIATE_TEST_SUITE_P(Rootfs, SandboxCapture,
                         ::testing::Values(sb::RootfsMode::overlay, sb::RootfsMode::copy),
                         [](const auto& param_info) {
                           return param_info.param == sb::RootfsMode::copy ? "Copy" : "Overlay";
                         });

} // namespace
} // namespace sandbox_test
