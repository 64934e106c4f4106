#include "backend/build/copy_exec.hpp"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

namespace distill::backend::build {
namespace {

namespace stdfs = std::filesystem;

class CopyTest : public ::testing::Test {
protected:
  void SetUp() override {
    m_root = stdfs::temp_directory_path() / ("distill-copy-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    stdfs::remove_all(m_root);
    write("app.py", "print('hi')\n");
    write("src/a.c", "int a;\n");
    write("src/b.c", "int b;\n");
    write("src/sub/c.h", "#pragma once\n");
    write("README.md", "readme\n");
    ASSERT_TRUE(m_rootfs.add("/etc/passwd", fs::make_file(fs::Content::from_bytes(
                                                "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"))));
    ASSERT_TRUE(m_rootfs.add("/etc/group", fs::make_file(fs::Content::from_bytes("root:x:0:\napp:x:1000:\n"))));
    ASSERT_TRUE(m_rootfs.add("/opt", fs::make_directory()));
  }
  void TearDown() override { stdfs::remove_all(m_root); }

  void write(const std::string& relative, const std::string& text) {
    stdfs::create_directories((m_root / relative).parent_path());
    std::ofstream(m_root / relative) << text;
  }

  support::Result<fs::Tree> copy(planner::Copy op, IgnorePredicate ignored = {}) {
    m_context = {m_root, std::move(ignored)};
    m_paths = *list_context(m_context);
    CopyInputs inputs;
    inputs.context = &m_context;
    inputs.context_paths = &m_paths;
    inputs.rootfs = &m_rootfs;
    inputs.epoch = 100;
    if (op.workdir.empty()) {
      op.workdir = "/";
    }
    return execute_copy(op, inputs);
  }

  stdfs::path m_root;
  BuildContext m_context;
  std::vector<std::string> m_paths;
  fs::Tree m_rootfs;
};

std::vector<std::string> paths(const fs::Tree& tree) {
  std::vector<std::string> out;
  for (const auto& [path, entry] : tree.entries()) {
    if (!entry.implicit) {
      out.push_back(path);
    }
  }
  return out;
}

TEST_F(CopyTest, SingleFileToDirectoryWithSlash) {
  planner::Copy op;
  op.sources = {"app.py"};
  op.dest = "/app/";
  auto layer = copy(op);
  ASSERT_TRUE(layer) << layer.error().message;
  EXPECT_EQ(paths(*layer), (std::vector<std::string>{"/app/app.py"}));
  const fs::Entry* file = layer->find("/app/app.py");
  EXPECT_EQ(file->uid, 0u);
  EXPECT_EQ(file->mtime, 100); // clamped to the epoch
  EXPECT_EQ(*fs::read_content(file->content), "print('hi')\n");
}

TEST_F(CopyTest, FileToNewNameAndIntoExistingDirectory) {
  planner::Copy op;
  op.sources = {"app.py"};
  op.dest = "/srv/main.py";
  EXPECT_EQ(paths(*copy(op)), (std::vector<std::string>{"/srv/main.py"}));
  op.dest = "/opt";
  EXPECT_EQ(paths(*copy(op)), (std::vector<std::string>{"/opt/app.py"}));
}

TEST_F(CopyTest, DirectoryCopiesItsContents) {
  planner::Copy op;
  op.sources = {"src"};
  op.dest = "/code";
  EXPECT_EQ(paths(*copy(op)),
            (std::vector<std::string>{"/code", "/code/a.c", "/code/b.c", "/code/sub", "/code/sub/c.h"}));
}

TEST_F(CopyTest, WildcardAndRelativeDestUsesWorkdir) {
  planner::Copy op;
  op.sources = {"src/*.c"};
  op.dest = "lib/";
  op.workdir = "/w";
  EXPECT_EQ(paths(*copy(op)), (std::vector<std::string>{"/w/lib/a.c", "/w/lib/b.c"}));
}

TEST_F(CopyTest, SeveralSourcesNeedADirectory) {
  planner::Copy op;
  op.sources = {"app.py", "README.md"};
  op.dest = "/x";
  auto layer = copy(op);
  ASSERT_FALSE(layer);
  EXPECT_NE(layer.error().message.find("must be a directory"), std::string::npos);
}

TEST_F(CopyTest, MissingSourceAndIgnoredSourceFail) {
  planner::Copy op;
  op.sources = {"nope.txt"};
  op.dest = "/";
  auto missing = copy(op);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nope.txt"), std::string::npos);
  op.sources = {"README.md"};
  auto ignored = copy(op, [](const std::string& path) { return path == "README.md"; });
  EXPECT_FALSE(ignored);
}

TEST_F(CopyTest, ChownByNameChmodAndExclude) {
  planner::Copy op;
  op.sources = {"."};
  op.dest = "/app/";
  op.chown = "app:app";
  op.chmod = 0600;
  op.excludes = {"*.md", "src/sub"};
  auto layer = copy(op);
  ASSERT_TRUE(layer) << layer.error().message;
  EXPECT_EQ(layer->find("/app/README.md"), nullptr);
  EXPECT_EQ(layer->find("/app/src/sub/c.h"), nullptr);
  const fs::Entry* file = layer->find("/app/app.py");
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->uid, 1000u);
  EXPECT_EQ(file->gid, 1000u);
  EXPECT_EQ(file->mode, 0600u);
  op.chown = "ghost";
  EXPECT_FALSE(copy(op));
}

TEST_F(CopyTest, HeredocInlineFile) {
  planner::Copy op;
  op.inline_files = {{"hello.txt", "hello\n"}};
  op.dest = "/etc/";
  auto layer = copy(op);
  ASSERT_TRUE(layer);
  EXPECT_EQ(*fs::read_content(layer->find("/etc/hello.txt")->content), "hello\n");
}

TEST_F(CopyTest, FromStageKeepsOwners) {
  fs::Tree stage;
  fs::Entry file = fs::make_file(fs::Content::from_bytes("bin"), 0755, 500);
  file.uid = 7;
  ASSERT_TRUE(stage.add("/out/tool", file));
  planner::Copy op;
  op.sources = {"/out/tool"};
  op.dest = "/usr/local/bin/";
  op.from = "build";
  m_context = {m_root, {}};
  m_paths = {};
  CopyInputs inputs;
  inputs.from_rootfs = &stage;
  inputs.rootfs = &m_rootfs;
  inputs.epoch = 100;
  auto layer = execute_copy(op, inputs);
  ASSERT_TRUE(layer) << layer.error().message;
  const fs::Entry* copied = layer->find("/usr/local/bin/tool");
  ASSERT_NE(copied, nullptr);
  EXPECT_EQ(copied->uid, 7u);
  EXPECT_EQ(copied->mode, 0755u);
  EXPECT_EQ(copied->mtime, 100);
}

} // namespace
} // namespace distill::backend::build

namespace distill::backend::build {
namespace {

// ADD unpacks a local tar (here gzip-compressed, made by the real tar tool)
// into the destination, hard links rebased; COPY and --unpack=false do not.
TEST_F(CopyTest, AddUnpacksLocalArchives) {
  write("pkg/bin/tool", "#!/bin/sh\n");
  write("pkg/share/note", "n\n");
  ASSERT_EQ(std::system(("cd '" + m_root.string() + "/pkg' && ln share/note share/same && "
                         "tar --owner=7 --group=8 -czf ../pkg.tar.gz bin share && cd .. && rm -r pkg")
                            .c_str()),
            0);
  planner::Copy op;
  op.add = true;
  op.sources = {"pkg.tar.gz"};
  op.dest = "/opt/pkg/";
  auto layer = copy(op);
  ASSERT_TRUE(layer) << layer.error().message;
  const fs::Entry* tool = layer->find("/opt/pkg/bin/tool");
  ASSERT_NE(tool, nullptr);
  EXPECT_EQ(tool->uid, 7u);
  const fs::Entry* same = layer->find("/opt/pkg/share/same");
  ASSERT_NE(same, nullptr);
  if (same->type == fs::EntryType::hardlink) {
    EXPECT_EQ(same->link_target, "/opt/pkg/share/note");
  } else {
    EXPECT_EQ(layer->find("/opt/pkg/share/note")->type, fs::EntryType::hardlink);
    EXPECT_EQ(layer->find("/opt/pkg/share/note")->link_target, "/opt/pkg/share/same");
  }

  op.unpack = false;
  auto kept = copy(op);
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_NE(kept->find("/opt/pkg/pkg.tar.gz"), nullptr);
  op.unpack.reset();
  op.add = false;
  auto copied = copy(op);
  ASSERT_TRUE(copied) << copied.error().message;
  EXPECT_NE(copied->find("/opt/pkg/pkg.tar.gz"), nullptr);
}

} // namespace
} // namespace distill::backend::build

namespace distill::backend::build {
namespace {

// Every compression BuildKit's ADD recognises (it detects them by their
// first bytes, not by the name) is unpacked; a file that only looks like one
// by its name is copied.
TEST_F(CopyTest, AddUnpacksEachCompressionByItsBytes) {
  for (const std::string tool : {"gzip", "bzip2", "xz", "zstd"}) {
    write("src/file", tool + "\n");
    ASSERT_EQ(std::system(("cd '" + m_root.string() + "' && tar -cf - -C src file | " + tool + " -c > archive.bin")
                              .c_str()),
              0)
        << tool;
    planner::Copy op;
    op.add = true;
    op.sources = {"archive.bin"};
    op.dest = "/opt/";
    auto layer = copy(op);
    ASSERT_TRUE(layer) << tool << ": " << layer.error().message;
    const fs::Entry* file = layer->find("/opt/file");
    ASSERT_NE(file, nullptr) << tool;
    EXPECT_EQ(*fs::read_content(file->content), tool + "\n");
  }
  write("fake.tar.bz2", "BZ but not bzip2\n");
  planner::Copy op;
  op.add = true;
  op.sources = {"fake.tar.bz2"};
  op.dest = "/opt/";
  auto layer = copy(op);
  ASSERT_TRUE(layer) << layer.error().message;
  EXPECT_NE(layer->find("/opt/fake.tar.bz2"), nullptr);
}

TEST_F(CopyTest, SymbolicChmodAppliesPerEntry) {
  planner::Copy op;
  op.sources = {"src"};
  op.dest = "/opt/src/";
  op.chmod_text = "u+x,go-r,a+X";
  auto layer = copy(op);
  ASSERT_TRUE(layer) << layer.error().message;
  // Files were 0644 (umask-independent: the context's own mode bits) -> u+x, go-r; X adds x only to dirs.
  const auto file_mode = stdfs::status(m_root / "src/a.c").permissions();
  const auto expected_file = ((static_cast<unsigned>(file_mode) | 0100u) & ~0044u) & 07777u;
  EXPECT_EQ(layer->find("/opt/src/a.c")->mode, expected_file | ((expected_file & 0111u) ? 0111u : 0u));
  EXPECT_EQ(layer->find("/opt/src/sub")->mode & 0111u, 0111u);
  op.chmod_text = "u+q";
  EXPECT_FALSE(copy(op));
}

} // namespace
} // namespace distill::backend::build
