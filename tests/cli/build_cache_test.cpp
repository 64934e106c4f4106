// The layer cache of `distill build`: an unchanged step is taken from the
// cache (and its files read back from the store only when a later step or an
// output needs them), a changed source redoes its step and what follows, and
// cached and fresh builds give one digest. Needs no network: FROM scratch.

#include "tests/cli/cli_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

using distill::cli_test::slurp;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

class BuildCacheCli : public testing::Test {
protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("distill-build-cache-" + std::to_string(::getpid()));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "app/dir/sub");
    std::ofstream(m_dir / "app/Dockerfile") << "FROM scratch AS files\n"
                                               "COPY a.txt /a.txt\n"
                                               "COPY dir/ /srv/dir/\n"
                                               "FROM scratch\n"
                                               "COPY --from=files /a.txt /copied.txt\n"
                                               "RUN mkdir -p /var/data && ln -s /var/data /data\n"
                                               "WORKDIR /work\n"
                                               "COPY b.txt ./\n";
    std::ofstream(m_dir / "app/a.txt") << "first file\n";
    std::ofstream(m_dir / "app/b.txt") << "second file\n";
    std::ofstream(m_dir / "app/dir/sub/c.txt") << "nested\n";
  }
  void TearDown() override { fs::remove_all(m_dir); }

  // Runs distill build; returns the exit status, the digest in m_digest and stderr in m_err.
  int build(const std::string& args) {
    const std::string command = "cd '" + m_dir.string() + "' && env XDG_CACHE_HOME='" + (m_dir / "cache").string() +
                                "' XDG_DATA_HOME='" + (m_dir / "data").string() + "' '" DISTILL_BINARY
                                "' build --progress=plain " +
                                args + " app >'" + (m_dir / "out").string() + "' 2>'" + (m_dir / "err").string() +
                                "'";
    const int raw = std::system(command.c_str());
    const std::string out = slurp(m_dir / "out");
    m_digest = out.substr(0, out.find('\n'));
    m_err = slurp(m_dir / "err");
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  }

  fs::path m_dir;
  std::string m_digest;
  std::string m_err;
};

TEST_F(BuildCacheCli, AnUnchangedBuildTakesEveryStepFromTheCache) {
  ASSERT_EQ(build("-t cached:1"), 0) << m_err;
  const std::string first = m_digest;
  ASSERT_TRUE(first.starts_with("sha256:")) << first;
  EXPECT_EQ(count(m_err, "cached "), 0u) << m_err;

  // Steps that make layers: two COPYs, COPY --from, the RUN's file ops, WORKDIR, COPY.
  ASSERT_EQ(build("-t cached:1 -o type=local,dest=" + (m_dir / "rootfs").string()), 0) << m_err;
  EXPECT_EQ(m_digest, first);
  EXPECT_EQ(count(m_err, "cached "), 6u) << m_err;
  // The files of a build made from cached layers are read back from the store.
  EXPECT_EQ(slurp(m_dir / "rootfs/copied.txt"), "first file\n");
  EXPECT_EQ(slurp(m_dir / "rootfs/work/b.txt"), "second file\n");
  EXPECT_EQ(fs::read_symlink(m_dir / "rootfs/data"), fs::path("/var/data"));
  EXPECT_FALSE(fs::exists(m_dir / "rootfs/srv")); // only in the first stage

  ASSERT_EQ(build("-t cached:1 --no-cache"), 0) << m_err;
  EXPECT_EQ(m_digest, first);
  EXPECT_EQ(count(m_err, "cached "), 0u) << m_err;
}

TEST_F(BuildCacheCli, AChangedSourceRedoesItsStepAndGivesTheFreshDigest) {
  ASSERT_EQ(build("-t cached:1"), 0) << m_err;
  const std::string first = m_digest;
  std::ofstream(m_dir / "app/b.txt", std::ios::app) << "changed\n";
  ASSERT_EQ(build("-t cached:1 -o type=local,dest=" + (m_dir / "rootfs").string()), 0) << m_err;
  EXPECT_NE(m_digest, first);
  EXPECT_EQ(count(m_err, "cached "), 5u) << m_err; // all but the last COPY
  EXPECT_EQ(m_err.find("cached COPY b.txt"), std::string::npos) << m_err;
  EXPECT_EQ(slurp(m_dir / "rootfs/work/b.txt"), "second file\nchanged\n");
  const std::string changed = m_digest;

  // A nested file of a directory source counts too, and feeds only its stage's later steps.
  std::ofstream(m_dir / "app/dir/sub/c.txt", std::ios::app) << "more\n";
  ASSERT_EQ(build("-t cached:1"), 0) << m_err;
  // The first stage's COPY dir/ is redone, and so is COPY --from=files, keyed
  // by that stage's layers; its layer is the same as before, so what follows
  // in the final stage is cached again and the image does not change.
  EXPECT_EQ(m_digest, changed);
  EXPECT_EQ(count(m_err, "cached "), 4u) << m_err;

  // The SBOM made from kept facts is the one a build without the cache writes.
  ASSERT_EQ(build("-t cached:1 --sbom " + (m_dir / "cached.spdx.json").string()), 0) << m_err;
  ASSERT_EQ(build("-t cached:1 --no-cache --sbom " + (m_dir / "fresh.spdx.json").string()), 0) << m_err;
  EXPECT_EQ(m_digest, changed);
  EXPECT_FALSE(slurp(m_dir / "fresh.spdx.json").empty());
  EXPECT_EQ(slurp(m_dir / "cached.spdx.json"), slurp(m_dir / "fresh.spdx.json"));
}

TEST_F(BuildCacheCli, AStoreWithoutTheBlobsIsBuiltAgain) {
  ASSERT_EQ(build("-t cached:1"), 0) << m_err;
  const std::string first = m_digest;
  fs::remove_all(m_dir / "data");
  ASSERT_EQ(build("-t cached:1"), 0) << m_err;
  EXPECT_EQ(m_digest, first);
  EXPECT_EQ(count(m_err, "cached "), 0u) << m_err;
}

} // namespace
