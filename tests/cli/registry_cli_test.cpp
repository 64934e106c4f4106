// distill build FROM a registry image, --push, and distill push, against a
// real docker-registry on 127.0.0.1; results checked with skopeo and umoci.

#include "../backend/fixtures/registry_fixture.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using distill::backend::test::LocalRegistry;

struct Ran {
  int status = -1;
  std::string output;
};

Ran sh(const std::string& command) {
  Ran result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  char buffer[4096];
  while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    result.output += buffer;
  }
  const int status = pipe != nullptr ? ::pclose(pipe) : -1;
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class RegistryCli : public ::testing::Test {
protected:
  void SetUp() override {
    if (!distill::backend::test::have_registry()) {
      GTEST_SKIP() << "docker-registry is not installed";
    }
    for (const char* tool : {"skopeo", "umoci"}) {
      if (sh(std::string("command -v ") + tool).status != 0) {
        GTEST_SKIP() << tool << " is not installed";
      }
    }
    char pattern[] = "/tmp/distill-regcli-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    m_dir = pattern;
    m_registry = std::make_unique<LocalRegistry>(m_dir / "registry");
    ASSERT_TRUE(m_registry->start()) << m_registry->log();
    m_env = "XDG_CACHE_HOME=" + (m_dir / "cache").string() + " XDG_DATA_HOME=" + (m_dir / "data").string() + " ";
    // A busybox base image, made with umoci and put in the registry by skopeo.
    const auto root = m_dir / "rootfs";
    fs::create_directories(root / "bin");
    fs::copy_file("/bin/busybox", root / "bin/busybox");
    for (const char* applet : {"sh", "cat", "echo"}) {
      fs::create_symlink("busybox", root / "bin" / applet);
    }
    const auto img = (m_dir / "img").string();
    auto made = sh("umoci init --layout " + img + " && umoci new --image " + img + ":latest && umoci insert --image " +
                   img + ":latest " + root.string() + " / && umoci config --image " + img +
                   ":latest --config.cmd /bin/sh --config.env PATH=/bin --architecture amd64 --os linux && "
                   "skopeo copy --dest-tls-verify=false oci:" + img + ":latest docker://" + host() + "/base/busybox:1");
    ASSERT_EQ(made.status, 0) << made.output;
  }
  void TearDown() override {
    m_registry.reset();
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }

  std::string host() const { return m_registry->host(); }
  Ran distill(const std::string& args) { return sh(m_env + DISTILL_BINARY + std::string(" ") + args); }
  std::string digest_of(const std::string& name) {
    auto inspected = sh("skopeo inspect --tls-verify=false --format '{{.Digest}}' docker://" + host() + "/" + name);
    EXPECT_EQ(inspected.status, 0) << inspected.output;
    return inspected.output.substr(0, inspected.output.find('\n'));
  }

  fs::path m_dir;
  std::unique_ptr<LocalRegistry> m_registry;
  std::string m_env;
};

TEST_F(RegistryCli, BuildsFromAPulledImagePushesAndBuildsOnTheResult) {
  write(m_dir / "one/hello.txt", "hello\n");
  write(m_dir / "one/Dockerfile", "FROM " + host() + "/base/busybox:1\nCOPY hello.txt /hello.txt\n"
                                  "RUN cat /hello.txt /hello.txt > /twice.txt\n");
  auto built = distill("build --progress plain --iidfile " + (m_dir / "iid").string() + " -t " + host() +
                       "/out/app:1 -t " + host() + "/out/app:latest --push " + (m_dir / "one").string());
  ASSERT_EQ(built.status, 0) << built.output;
  const auto iid = read(m_dir / "iid");
  EXPECT_EQ(digest_of("out/app:1"), iid);
  EXPECT_EQ(digest_of("out/app:latest"), iid);
  auto config = sh("skopeo inspect --tls-verify=false --raw docker://" + host() + "/out/app:1");
  EXPECT_NE(config.output.find("org.opencontainers.image.base.name"), std::string::npos) << config.output;

  // The pushed image is the base of the next build; COPY --from reads another registry image.
  write(m_dir / "two/Dockerfile", "FROM " + host() + "/out/app:1\nCOPY --from=" + host() +
                                  "/base/busybox:1 /bin/busybox /bb\nRUN cat /twice.txt > /again.txt\n");
  auto second = distill("build --progress plain -t second:1 " + (m_dir / "two").string());
  ASSERT_EQ(second.status, 0) << second.output;
  auto pushed = distill("push second:1 " + host() + "/second/app:2");
  ASSERT_EQ(pushed.status, 0) << pushed.output;
  auto copied = sh("skopeo copy --src-tls-verify=false docker://" + host() + "/second/app:2 oci:" +
                   (m_dir / "back").string() + ":2 && umoci unpack --image " + (m_dir / "back").string() + ":2 " +
                   (m_dir / "bundle").string());
  ASSERT_EQ(copied.status, 0) << copied.output;
  EXPECT_EQ(read(m_dir / "bundle/rootfs/again.txt"), "hello\nhello\n");
  EXPECT_EQ(fs::file_size(m_dir / "bundle/rootfs/bb"), fs::file_size("/bin/busybox"));
}

TEST_F(RegistryCli, MissingImagesAndBadNamesAreClearErrors) {
  write(m_dir / "ctx/Dockerfile", "FROM " + host() + "/nothing/here:1\nRUN true\n");
  auto built = distill("build --progress plain " + (m_dir / "ctx").string());
  EXPECT_EQ(built.status, 1) << built.output;
  EXPECT_NE(built.output.find(host() + "/nothing/here:1: not found"), std::string::npos) << built.output;
  EXPECT_NE(built.output.find("Dockerfile:1"), std::string::npos) << built.output;

  auto no_name = distill("push absent:1");
  EXPECT_EQ(no_name.status, 1);
  EXPECT_NE(no_name.output.find("absent:1 is not in the local store"), std::string::npos) << no_name.output;
  auto usage = distill("push");
  EXPECT_EQ(usage.status, 2);
  write(m_dir / "ok/Dockerfile", "FROM " + host() + "/base/busybox:1\n");
  ASSERT_EQ(distill("build --progress quiet -t ok:1 " + (m_dir / "ok").string()).status, 0);
  auto upper = distill("push ok:1 " + host() + "/Upper/Case");
  EXPECT_EQ(upper.status, 1);
  EXPECT_NE(upper.output.find("must be lower case"), std::string::npos) << upper.output;
}

} // namespace
