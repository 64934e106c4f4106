#include "backend/build/file_op_exec.hpp"
#include "backend/build/user_db.hpp"

#include <gtest/gtest.h>

namespace distill::backend::build {
namespace {

fs::Tree base_rootfs() {
  fs::Tree tree;
  EXPECT_TRUE(tree.add("/etc/passwd", fs::make_file(fs::Content::from_bytes(
                                          "root:x:0:0:root:/root:/bin/bash\n"
                                          "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"))));
  EXPECT_TRUE(tree.add("/etc/group", fs::make_file(fs::Content::from_bytes("root:x:0:\nstaff:x:50:\n"
                                                                          "nogroup:x:65534:\n"))));
  EXPECT_TRUE(tree.add("/etc/shadow", fs::make_file(fs::Content::from_bytes("root:*:19000:0:99999:7:::\n"), 0640)));
  EXPECT_TRUE(tree.add("/etc/skel/.profile", fs::make_file(fs::Content::from_bytes("# profile\n"))));
  EXPECT_TRUE(tree.add("/usr/bin/tool", fs::make_file(fs::Content::from_bytes("#!/bin/sh\n"), 0644)));
  EXPECT_TRUE(tree.add("/var/lib/apt/lists/a", fs::make_file(fs::Content::from_bytes("x"))));
  EXPECT_TRUE(tree.add("/var/lib/apt/lists/b", fs::make_file(fs::Content::from_bytes("y"))));
  return tree;
}

std::string text_of(const fs::Tree& tree, const std::string& path) {
  const fs::Entry* entry = tree.find(path);
  if (entry == nullptr) {
    return "<missing>";
  }
  return *fs::read_content(entry->content);
}

TEST(FileOps, AddUserAppendsPasswdGroupShadowAndHome) {
  const auto rootfs = base_rootfs();
  fs::Tree layer;
  planner::AddUser user;
  user.name = "app";
  user.create_home = true;
  ASSERT_TRUE(apply_file_op(user, rootfs, layer, 1700000000).value());
  EXPECT_EQ(text_of(layer, "/etc/passwd"),
            "root:x:0:0:root:/root:/bin/bash\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
            "app:x:1000:1000::/home/app:/bin/sh\n");
  EXPECT_EQ(text_of(layer, "/etc/group"), "root:x:0:\nstaff:x:50:\nnogroup:x:65534:\napp:x:1000:\n");
  EXPECT_EQ(text_of(layer, "/etc/shadow"), "root:*:19000:0:99999:7:::\napp:!:19675:0:99999:7:::\n");
  const fs::Entry* home = layer.find("/home/app");
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(home->uid, 1000u);
  ASSERT_NE(layer.find("/home/app/.profile"), nullptr);
  EXPECT_EQ(layer.find("/home/app/.profile")->uid, 1000u);
}

TEST(FileOps, SystemUserTakesHighestFreeSystemId) {
  const auto rootfs = base_rootfs();
  fs::Tree layer;
  planner::AddUser user;
  user.name = "svc";
  user.system = true;
  ASSERT_TRUE(apply_file_op(user, rootfs, layer, 0).value());
  const auto users = parse_passwd(text_of(layer, "/etc/passwd"));
  ASSERT_EQ(users.back().name, "svc");
  EXPECT_EQ(users.back().uid, 999u);
  EXPECT_EQ(users.back().home, "/nonexistent");
}

TEST(FileOps, DuplicateUserFails) {
  const auto rootfs = base_rootfs();
  fs::Tree layer;
  planner::AddUser user;
  user.name = "root";
  auto result = apply_file_op(user, rootfs, layer, 0);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("already exists"), std::string::npos);
}

TEST(FileOps, ChmodCopiesEntryIntoLayer) {
  const auto rootfs = base_rootfs();
  fs::Tree layer;
  planner::Chmod chmod{{"/usr/bin/tool"}, "+x", false, {}};
  ASSERT_TRUE(apply_file_op(chmod, rootfs, layer, 5).value());
  ASSERT_NE(layer.find("/usr/bin/tool"), nullptr);
  EXPECT_EQ(layer.find("/usr/bin/tool")->mode, 0755u);
  planner::Chmod octal{{"/usr/bin/tool"}, "0700", false, {}};
  ASSERT_TRUE(apply_file_op(octal, rootfs, layer, 5).value());
  EXPECT_EQ(layer.find("/usr/bin/tool")->mode, 0700u);
  planner::Chmod missing{{"/nope"}, "0700", false, {}};
  EXPECT_FALSE(apply_file_op(missing, rootfs, layer, 5));
}

TEST(FileOps, RemoveDirectoryContentsWritesWhiteouts) {
  const auto rootfs = base_rootfs();
  fs::Tree layer;
  planner::Remove remove;
  remove.path = "/var/lib/apt/lists/*";
  remove.recursive = true;
  ASSERT_TRUE(apply_file_op(remove, rootfs, layer, 0).value());
  ASSERT_NE(layer.find("/var/lib/apt/lists/a"), nullptr);
  EXPECT_EQ(layer.find("/var/lib/apt/lists/a")->type, fs::EntryType::whiteout);
  EXPECT_EQ(layer.find("/var/lib/apt/lists/b")->type, fs::EntryType::whiteout);
}

TEST(FileOps, MkdirSymlinkWriteFile) {
  const auto rootfs = base_rootfs();
  fs::Tree layer;
  ASSERT_TRUE(apply_file_op(planner::Mkdir{"/srv/data", 0750, true, {}}, rootfs, layer, 0).value());
  EXPECT_EQ(layer.find("/srv/data")->mode, 0750u);
  planner::Symlink link;
  link.target = "/usr/bin/tool";
  link.path = "/usr/local/bin/t";
  ASSERT_TRUE(apply_file_op(link, rootfs, layer, 0).value());
  EXPECT_EQ(layer.find("/usr/local/bin/t")->link_target, "/usr/bin/tool");
  ASSERT_TRUE(apply_file_op(planner::WriteFile{"/etc/motd", "hi\n", 0644, false, {}}, rootfs, layer, 0).value());
  ASSERT_TRUE(apply_file_op(planner::WriteFile{"/etc/motd", "there\n", 0644, true, {}}, rootfs, layer, 0).value());
  EXPECT_EQ(text_of(layer, "/etc/motd"), "hi\nthere\n");
}

TEST(FileOps, ChownResolvesNamesIncludingUsersAddedInTheSameLayer) {
  const auto rootfs = base_rootfs();
  fs::Tree layer;
  planner::AddUser user;
  user.name = "app";
  ASSERT_TRUE(apply_file_op(user, rootfs, layer, 0).value());
  ASSERT_TRUE(apply_file_op(planner::Chown{{"/usr/bin/tool"}, "app:staff", false, {}}, rootfs, layer, 0).value());
  EXPECT_EQ(layer.find("/usr/bin/tool")->uid, 1000u);
  EXPECT_EQ(layer.find("/usr/bin/tool")->gid, 50u);
  auto unknown = apply_file_op(planner::Chown{{"/usr/bin/tool"}, "ghost", false, {}}, rootfs, layer, 0);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unable to find user ghost"), std::string::npos);
}

TEST(FileOps, NonFileOpIsNotHandled) {
  fs::Tree rootfs, layer;
  EXPECT_FALSE(apply_file_op(planner::SetUser{"app", {}}, rootfs, layer, 0).value());
}

} // namespace
} // namespace distill::backend::build
