// One real `apt-get install` inside the sandbox, from the mirror the host's
// apt sources name, on a Debian rootfs made by mmdebstrap (kept in the build
// directory after the first run). Skipped when the mirror is unreachable.

#include "sandbox_fixture.hpp"

#include <cstdio>

#include <sys/wait.h>

namespace sandbox_test {
namespace {

constexpr const char* k_sources = "/etc/apt/sources.list.d/debian.sources";

int shell(const std::string& command, std::string& output) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return -1;
  }
  char buffer[4096];
  while (const auto n = ::fread(buffer, 1, sizeof buffer, pipe)) {
    output.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A bookworm rootfs with apt and its package lists, made once per build tree.
std::filesystem::path debian_rootfs(std::string& why_not) {
  const std::filesystem::path dir =
      std::filesystem::path(DISTILL_BINARY_DIR) / "test-cache" / "sandbox-bookworm-apt";
  if (std::filesystem::exists(dir / "usr/bin/apt-get")) {
    return dir;
  }
  std::string output;
  if (shell("command -v mmdebstrap", output) != 0 || ::access(k_sources, R_OK) != 0) {
    why_not = "mmdebstrap or the host's deb822 apt sources are missing";
    return {};
  }
  const auto temp = dir.string() + ".tmp";
  std::filesystem::create_directories(dir.parent_path());
  shell("rm -rf '" + temp + "'", output);
  // The host's sources name the mirror; the package lists are kept so the
  // step needs no apt-get update.
  if (shell("timeout 900 mmdebstrap --variant=apt --quiet --skip=cleanup/apt/lists bookworm '" +
                temp + "' " + k_sources,
            output) != 0 ||
      shell("mv '" + temp + "' '" + dir.string() + "'", output) != 0) {
    why_not = "mmdebstrap could not make a rootfs (mirror unreachable?): " + output;
    return {};
  }
  return dir;
}

using SandboxApt = SandboxTest;

TEST_F(SandboxApt, AptGetInstallFromTheConfiguredMirror) {
  if (std::getenv("DISTILL_SANDBOX_NESTED") != nullptr || ::geteuid() != 0) {
    GTEST_SKIP() << "the Debian rootfs is made as root (mmdebstrap); the rootless runs cover the rest";
  }
  std::string why_not;
  const auto rootfs = debian_rootfs(why_not);
  if (rootfs.empty()) {
    GTEST_SKIP() << why_not;
  }
  // The unpacked rootfs serves as an already-cached layer.
  const std::string digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
  std::filesystem::create_directories(m_options.cache_dir / "layers");
  std::filesystem::create_directory_symlink(rootfs, m_options.cache_dir / "layers" / digest);
  m_options.layers = {{digest, nullptr}};

  auto step = shell_run("apt-get install -y --no-install-recommends hello && hello > /hello.out");
  step.env = {{"DEBIAN_FRONTEND", "noninteractive"}};
  auto result = run(step);
  if (!result && (m_output.find("Could not resolve") != std::string::npos ||
                  m_output.find("Failed to fetch") != std::string::npos ||
                  m_output.find("Unable to fetch") != std::string::npos)) {
    GTEST_SKIP() << "the mirror is unreachable:\n" << m_output;
  }
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/hello.out"), "Hello, world!\n");
  ASSERT_NE(result->layer.find("/usr/bin/hello"), nullptr);
  EXPECT_EQ(result->layer.find("/usr/bin/hello")->mode, 0755u);
  EXPECT_TRUE(result->layer.contains("/var/lib/dpkg/status"));
  EXPECT_FALSE(result->layer.contains("/usr/bin/apt-get")) << "unchanged files stay out";
  // apt dropped to its _apt user for the download: the full mapping works.
  EXPECT_EQ(m_output.find("unsandboxed"), std::string::npos) << m_output;
}

} // namespace
} // namespace sandbox_test
