#include "backend/fs/tree.hpp"

#include <gtest/gtest.h>

namespace bfs = distill::backend::fs;

namespace {

std::vector<std::string> paths(const bfs::Tree& tree) {
  std::vector<std::string> out;
  for (const auto& [path, entry] : tree.entries()) {
    out.push_back(path);
  }
  return out;
}

} // namespace

TEST(NormalizePath, Forms) {
  EXPECT_EQ(*bfs::normalize_path("usr/bin/"), "/usr/bin");
  EXPECT_EQ(*bfs::normalize_path("./usr//bin/."), "/usr/bin");
  EXPECT_EQ(*bfs::normalize_path("/usr/lib/../bin"), "/usr/bin");
  EXPECT_EQ(*bfs::normalize_path(""), "/");
  EXPECT_EQ(*bfs::normalize_path("."), "/");
  EXPECT_FALSE(bfs::normalize_path("../etc/passwd"));
  EXPECT_FALSE(bfs::normalize_path("/a/../../etc"));
  EXPECT_FALSE(bfs::normalize_path(std::string_view("a\0b", 3)));
  EXPECT_EQ(bfs::parent_path("/usr/bin"), "/usr");
  EXPECT_EQ(bfs::parent_path("/usr"), "/");
  EXPECT_EQ(bfs::base_name("/usr/bin"), "bin");
}

TEST(Tree, AddCreatesParentsAndSortsBytewise) {
  bfs::Tree tree;
  ASSERT_TRUE(tree.add("/a-c", bfs::make_file(bfs::Content::from_bytes("x"))));
  ASSERT_TRUE(tree.add("a/b/c", bfs::make_file(bfs::Content::from_bytes("hello"), 0755, 5)));
  EXPECT_EQ(paths(tree), (std::vector<std::string>{"/a", "/a-c", "/a/b", "/a/b/c"}));
  const auto* parent = tree.find("/a/b");
  ASSERT_NE(parent, nullptr);
  EXPECT_TRUE(parent->is_dir());
  EXPECT_TRUE(parent->implicit);
  EXPECT_EQ(parent->mode, 0755u);
  EXPECT_EQ(tree.children("/a"), (std::vector<std::string>{"/a/b"}));
  EXPECT_EQ(tree.children("/"), (std::vector<std::string>{"/a", "/a-c"}));
}

TEST(Tree, ReplaceDirectoryByFileDropsChildren) {
  bfs::Tree tree;
  ASSERT_TRUE(tree.add("/d/x", bfs::make_file(bfs::Content::from_bytes("1"))));
  ASSERT_TRUE(tree.add("/d", bfs::make_directory(0700)));
  EXPECT_EQ(tree.size(), 2u);
  EXPECT_EQ(tree.find("/d")->mode, 0700u);
  ASSERT_TRUE(tree.add("/d", bfs::make_symlink("elsewhere")));
  EXPECT_EQ(paths(tree), (std::vector<std::string>{"/d"}));
  EXPECT_FALSE(tree.add("/d/y", bfs::make_directory()));
}

TEST(Tree, RemoveSubtreeKeepsHardLinkedContent) {
  bfs::Tree tree;
  ASSERT_TRUE(tree.add("/x/file", bfs::make_file(bfs::Content::from_bytes("data"), 0600)));
  ASSERT_TRUE(tree.add("/y/link1", bfs::make_hardlink("/x/file")));
  ASSERT_TRUE(tree.add("/z/link2", bfs::make_hardlink("x/file")));
  EXPECT_FALSE(tree.add("/w", bfs::make_hardlink("/missing")));
  EXPECT_EQ(tree.remove("/x"), 2u);
  const auto* heir = tree.find("/y/link1");
  ASSERT_NE(heir, nullptr);
  EXPECT_EQ(heir->type, bfs::EntryType::regular);
  EXPECT_EQ(*heir->content.bytes, "data");
  EXPECT_EQ(heir->mode, 0600u);
  EXPECT_EQ(tree.find("/z/link2")->link_target, "/y/link1");
  EXPECT_EQ(tree.link_source("/z/link2"), heir);
}

TEST(Tree, ResolveStaysInsideTheRoot) {
  bfs::Tree tree;
  ASSERT_TRUE(tree.add("/usr/bin/ls", bfs::make_file(bfs::Content::from_bytes("elf"))));
  ASSERT_TRUE(tree.add("/bin", bfs::make_symlink("usr/bin")));
  ASSERT_TRUE(tree.add("/evil", bfs::make_symlink("../../../../etc")));
  ASSERT_TRUE(tree.add("/abs", bfs::make_symlink("/usr/./bin/")));
  ASSERT_TRUE(tree.add("/loop1", bfs::make_symlink("loop2")));
  ASSERT_TRUE(tree.add("/loop2", bfs::make_symlink("loop1")));
  EXPECT_EQ(*tree.resolve("/bin/ls"), "/usr/bin/ls");
  EXPECT_EQ(*tree.resolve("/bin", false), "/bin");
  EXPECT_EQ(*tree.resolve("/evil/passwd"), "/etc/passwd");
  EXPECT_EQ(*tree.resolve("/abs/../lib"), "/usr/lib");
  EXPECT_EQ(*tree.resolve("/../../bin/x"), "/usr/bin/x");
  EXPECT_FALSE(tree.resolve("/loop1/x"));
}

TEST(ApplyLayer, WhiteoutsOpaqueAndMerge) {
  bfs::Tree lower;
  ASSERT_TRUE(lower.add("/etc", bfs::make_directory(0751, 7)));
  ASSERT_TRUE(lower.add("/etc/keep", bfs::make_file(bfs::Content::from_bytes("k"))));
  ASSERT_TRUE(lower.add("/etc/gone", bfs::make_file(bfs::Content::from_bytes("g"))));
  ASSERT_TRUE(lower.add("/opt/a", bfs::make_file(bfs::Content::from_bytes("a"))));
  ASSERT_TRUE(lower.add("/opt/b/c", bfs::make_file(bfs::Content::from_bytes("c"))));

  bfs::Tree layer;
  ASSERT_TRUE(layer.add("/etc/gone", bfs::make_whiteout()));
  ASSERT_TRUE(layer.add("/etc/new", bfs::make_file(bfs::Content::from_bytes("n"))));
  auto opaque = bfs::make_directory(0700);
  opaque.opaque = true;
  ASSERT_TRUE(layer.add("/opt", opaque));
  ASSERT_TRUE(layer.add("/opt/z", bfs::make_file(bfs::Content::from_bytes("z"))));
  ASSERT_TRUE(layer.add("/aaa", bfs::make_hardlink("/opt/z")));

  ASSERT_TRUE(bfs::apply_layer(lower, layer));
  EXPECT_EQ(paths(lower), (std::vector<std::string>{"/aaa", "/etc", "/etc/keep", "/etc/new",
                                                     "/opt", "/opt/z"}));
  // /etc was only a parent in the layer: the lower metadata stays.
  EXPECT_EQ(lower.find("/etc")->mode, 0751u);
  EXPECT_EQ(lower.find("/opt")->mode, 0700u);
  EXPECT_FALSE(lower.find("/opt")->opaque);
  EXPECT_EQ(lower.find("/aaa")->link_target, "/opt/z");
}

TEST(Tree, AddUnderWhiteoutMakesOpaqueDirectory) {
  bfs::Tree layer;
  ASSERT_TRUE(layer.add("/d", bfs::make_whiteout()));
  ASSERT_TRUE(layer.add("/d/f", bfs::make_file(bfs::Content::from_bytes(""))));
  EXPECT_TRUE(layer.find("/d")->is_dir());
  EXPECT_TRUE(layer.find("/d")->opaque);
}

TEST(Tree, ImplicitParentsTakeTheNewestMtimeWhateverTheOrder) {
  bfs::Tree forward;
  bfs::Tree backward;
  ASSERT_TRUE(forward.add("/a/b/old", bfs::make_file(bfs::Content::from_bytes(""), 0644, 10)));
  ASSERT_TRUE(forward.add("/a/new", bfs::make_file(bfs::Content::from_bytes(""), 0644, 30)));
  ASSERT_TRUE(backward.add("/a/new", bfs::make_file(bfs::Content::from_bytes(""), 0644, 30)));
  ASSERT_TRUE(backward.add("/a/b/old", bfs::make_file(bfs::Content::from_bytes(""), 0644, 10)));
  EXPECT_EQ(forward.find("/a")->mtime, 30);
  EXPECT_EQ(backward.find("/a")->mtime, 30);
  EXPECT_EQ(forward.find("/a/b")->mtime, 10);
  EXPECT_EQ(backward.find("/a/b")->mtime, 10);
  // An explicit directory keeps its own mtime.
  ASSERT_TRUE(forward.add("/a", bfs::make_directory(0755, 5)));
  ASSERT_TRUE(forward.add("/a/later", bfs::make_file(bfs::Content::from_bytes(""), 0644, 50)));
  EXPECT_EQ(forward.find("/a")->mtime, 5);
}
