// distill build --build-context NAME=oci-layout://DIR:TAG: FROM NAME and
// COPY --from=NAME use the named image instead of a registry. Needs no
// network: the images are FROM scratch.

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

class BuildContextCli : public testing::Test {
protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("distill-build-context-" + std::to_string(::getpid()));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "base");
    fs::create_directories(m_dir / "app");
    std::ofstream(m_dir / "base/Dockerfile") << "FROM scratch\nCOPY greeting /etc/greeting\n";
    std::ofstream(m_dir / "base/greeting") << "hello from the base\n";
    std::ofstream(m_dir / "app/Dockerfile")
        << "FROM base\nCOPY --from=tools /etc/greeting /etc/copied\nCOPY note /etc/note\n";
    std::ofstream(m_dir / "app/note") << "app\n";
  }
  void TearDown() override { fs::remove_all(m_dir); }

  int run(const std::string& args) {
    const std::string command = "cd '" + m_dir.string() + "' && env XDG_CACHE_HOME='" + (m_dir / "cache").string() +
                                "' XDG_DATA_HOME='" + (m_dir / "data").string() + "' '" DISTILL_BINARY "' " + args +
                                " >'" + (m_dir / "out").string() + "' 2>'" + (m_dir / "err").string() + "'";
    const int raw = std::system(command.c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  }

  fs::path m_dir;
};

TEST_F(BuildContextCli, NamedOciLayoutContextsStandForFromAndCopyFrom) {
  ASSERT_EQ(run("build -t base:1 -o type=oci-layout,dest=" + (m_dir / "layout").string() + " base"), 0)
      << slurp(m_dir / "err");
  // By digest: a tag with a colon ("base:1") would read as DIR:TAG at the wrong colon.
  std::string digest = slurp(m_dir / "out");
  digest = digest.substr(0, digest.find('\n'));
  ASSERT_TRUE(digest.starts_with("sha256:")) << digest;
  const std::string layout = "oci-layout://" + (m_dir / "layout").string() + "@" + digest;
  ASSERT_EQ(run("build --build-context base=" + layout + " --build-context tools=" + layout +
                " -o type=local,dest=" + (m_dir / "rootfs").string() + " app"),
            0)
      << slurp(m_dir / "err");
  EXPECT_EQ(slurp(m_dir / "rootfs/etc/greeting"), "hello from the base\n");
  EXPECT_EQ(slurp(m_dir / "rootfs/etc/copied"), "hello from the base\n");
  EXPECT_EQ(slurp(m_dir / "rootfs/etc/note"), "app\n");
}

TEST_F(BuildContextCli, ADirectoryContextFeedsCopyFromButNoBase) {
  fs::create_directories(m_dir / "assets/css");
  std::ofstream(m_dir / "assets/css/site.css") << "body {}\n";
  std::ofstream(m_dir / "app/Dockerfile") << "FROM scratch\nCOPY --from=assets css /srv/css\n";
  ASSERT_EQ(run("build --build-context assets=" + (m_dir / "assets").string() + " -o type=local,dest=" +
                (m_dir / "rootfs").string() + " app"),
            0)
      << slurp(m_dir / "err");
  EXPECT_EQ(slurp(m_dir / "rootfs/srv/css/site.css"), "body {}\n");
  std::ofstream(m_dir / "app/Dockerfile") << "FROM assets\n";
  EXPECT_EQ(run("build --build-context assets=" + (m_dir / "assets").string() + " app"), 1);
  EXPECT_NE(slurp(m_dir / "err").find("Dockerfile:1:1: error: FROM=assets"), std::string::npos)
      << slurp(m_dir / "err");
}

// BuildKit's InvalidBaseImagePlatform: a base whose config is for another
// platform still builds, with a warning at its FROM line.
TEST_F(BuildContextCli, ABaseForAnotherPlatformIsAWarning) {
  if (std::system("command -v umoci >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "umoci is not installed";
  }
  const std::string layout = (m_dir / "layout").string();
  ASSERT_EQ(run("build -t base:1 -o type=oci-layout,dest=" + layout + " base"), 0) << slurp(m_dir / "err");
  std::string digest = slurp(m_dir / "out");
  digest = digest.substr(0, digest.find('\n'));
  ASSERT_EQ(std::system(("umoci config --image '" + layout + ":base:1' --tag arm --architecture arm64").c_str()), 0);
  std::ofstream(m_dir / "app/Dockerfile") << "# a base\nFROM base\nCOPY note /etc/note\n";
  ASSERT_EQ(run("build --build-context base=oci-layout://" + layout + ":arm app"), 0) << slurp(m_dir / "err");
  const std::string err = slurp(m_dir / "err");
  EXPECT_NE(err.find("Dockerfile:2:1: warning:"), std::string::npos) << err;
  EXPECT_NE(err.find("InvalidBaseImagePlatform"), std::string::npos) << err;
  EXPECT_NE(err.find("\"linux/arm64\", expected \"linux/amd64\""), std::string::npos) << err;
  // The image it was built from is for this platform: no warning.
  ASSERT_EQ(run("build --build-context base=oci-layout://" + layout + "@" + digest + " app"), 0)
      << slurp(m_dir / "err");
  EXPECT_EQ(slurp(m_dir / "err").find("InvalidBaseImagePlatform"), std::string::npos) << slurp(m_dir / "err");
}

TEST_F(BuildContextCli, BadArgumentsAreUsageErrors) {
  EXPECT_EQ(run("build --build-context nonsense app"), 2);
  EXPECT_NE(slurp(m_dir / "err").find("--build-context"), std::string::npos) << slurp(m_dir / "err");
}

} // namespace
