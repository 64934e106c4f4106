// apt-get install on a pulled Debian image (also of package names that only
// the image's Env gives), and the pulled base's digest in distill.lock: a distill-built debian:bookworm-slim image is pushed to a real
// docker-registry on 127.0.0.1 and used as the base of further builds. Needs
// the host's Debian mirror (skipped when it cannot be reached).

#include "../backend/fixtures/registry_fixture.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
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

// One download cache for the suite (shared with build_e2e), so .debs come once.
fs::path shared_cache() { return fs::path(DISTILL_BINARY_DIR) / "test-cache"; }

class RegistryApt : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    // The mirror is reachable when apt's own sources answer; a short probe.
    const int rc = std::system(
        "d=$(mktemp -d) && mkdir -p $d/lists/partial $d/cache/archives/partial && "
        "timeout 60 apt-get -o Debug::NoLocking=1 -o Dir::State::Lists=$d/lists -o Dir::Cache=$d/cache "
        "-o Dir::State::status=/dev/null -q update >/dev/null 2>&1; r=$?; rm -rf $d; exit $r");
    s_online = rc == 0;
  }

  void SetUp() override {
    if (!distill::backend::test::have_registry()) {
      GTEST_SKIP() << "docker-registry is not installed";
    }
    for (const char* tool : {"skopeo", "umoci"}) {
      if (sh(std::string("command -v ") + tool).status != 0) {
        GTEST_SKIP() << tool << " is not installed";
      }
    }
    if (!s_online) {
      GTEST_SKIP() << "the host's Debian mirror is unreachable; skipping apt-on-pulled-image tests";
    }
    char pattern[] = "/tmp/distill-regapt-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    m_dir = pattern;
    m_registry = std::make_unique<LocalRegistry>(m_dir / "registry");
    ASSERT_TRUE(m_registry->start()) << m_registry->log();
    m_env = "XDG_CACHE_HOME=" + shared_cache().string() + " XDG_DATA_HOME=" + (m_dir / "data").string() + " ";
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
  // Pushes a distill-built Debian image as base:1 and returns its digest.
  std::string push_base(const std::string& dir, const std::string& extra) {
    write(m_dir / dir / "Dockerfile", "FROM debian:bookworm-slim\n" + extra);
    auto built = distill("build --progress plain -t " + host() + "/base:1 --push " + (m_dir / dir).string());
    EXPECT_EQ(built.status, 0) << built.output;
    return digest_of("base:1");
  }

  fs::path m_dir;
  std::unique_ptr<LocalRegistry> m_registry;
  std::string m_env;
  static inline bool s_online = false;
};

TEST_F(RegistryApt, InstallsOnAPulledDebianImageOnTopOfItsDpkgDatabase) {
  push_base("base", "");
  const std::string dockerfile = "FROM " + host() + "/base:1\n"
                                 "RUN apt-get update && apt-get install -y --no-install-recommends curl\n";
  write(m_dir / "app/Dockerfile", dockerfile);

  auto plan = distill("plan " + (m_dir / "app").string());
  ASSERT_EQ(plan.status, 0) << plan.output;
  EXPECT_NE(plan.output.find("InstallPackages"), std::string::npos) << plan.output;

  auto built = distill("build --progress plain -o type=local,dest=" + (m_dir / "out").string() + " " +
                       (m_dir / "app").string());
  ASSERT_EQ(built.status, 0) << built.output;
  EXPECT_NE(built.output.find("debian bookworm"), std::string::npos) << built.output;
  EXPECT_TRUE(fs::exists(m_dir / "out/usr/bin/curl")) << built.output;
  const auto status = read(m_dir / "out/var/lib/dpkg/status");
  for (const char* package : {"Package: curl\n", "Package: libcurl4\n", "Package: base-files\n", "Package: dpkg\n",
                              "Package: libc6\n", "Package: bash\n"}) {
    EXPECT_NE(status.find(package), std::string::npos) << package;
  }
  // The image's packages stay installed exactly once.
  EXPECT_EQ(status.find("Package: libc6\n"), status.rfind("Package: libc6\n"));
  EXPECT_TRUE(fs::exists(m_dir / "out/var/lib/dpkg/info/curl.list"));
  EXPECT_TRUE(fs::exists(m_dir / "out/bin/bash"));
  // dpkg itself reads the merged database.
  auto query = sh("dpkg-query --admindir=" + (m_dir / "out/var/lib/dpkg").string() +
                  " -W -f '${Package} ${Status}\\n' curl base-files");
  EXPECT_EQ(query.status, 0) << query.output;
  EXPECT_NE(query.output.find("curl install ok installed"), std::string::npos) << query.output;
  EXPECT_NE(query.output.find("base-files install ok installed"), std::string::npos) << query.output;

  // The lock names the image's release and its indexes.
  const auto lock = read(m_dir / "app/distill.lock");
  EXPECT_NE(lock.find("\"kind\": \"image\""), std::string::npos) << lock;
  EXPECT_NE(lock.find("\"suite\": \"bookworm\""), std::string::npos) << lock;
  EXPECT_NE(lock.find("\"name\": \"curl\""), std::string::npos) << lock;

  // Built again from the lock (no index loaded): the same image.
  auto again = distill("build --progress plain --locked -o type=local,dest=" + (m_dir / "again").string() + " " +
                       (m_dir / "app").string());
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_NE(again.output.find("using "), std::string::npos) << again.output;
  EXPECT_EQ(read(m_dir / "again/var/lib/dpkg/status"), status);
  EXPECT_TRUE(fs::exists(m_dir / "again/usr/bin/curl"));
}

TEST_F(RegistryApt, InstallsInAStageBuiltOnAPulledImageAlsoFromTheLock) {
  push_base("base", "");
  write(m_dir / "app/Dockerfile", "FROM " + host() + "/base:1 AS first\n"
                                  "RUN apt-get update && apt-get install -y --no-install-recommends libjq1\n"
                                  "FROM first\n"
                                  "RUN apt-get update && apt-get install -y --no-install-recommends jq\n");
  for (const char* pass : {"a", "b"}) { // b: from distill.lock
    auto built = distill(std::string("build --progress plain -o type=local,dest=") + (m_dir / pass).string() +
                         " " + (m_dir / "app").string());
    ASSERT_EQ(built.status, 0) << built.output;
    EXPECT_TRUE(fs::exists(m_dir / pass / "usr/bin/jq"));
    const auto status = read(m_dir / pass / "var/lib/dpkg/status");
    for (const char* package : {"Package: jq\n", "Package: libjq1\n", "Package: libc6\n"}) {
      EXPECT_NE(status.find(package), std::string::npos) << package;
    }
  }
  EXPECT_EQ(read(m_dir / "a/var/lib/dpkg/status"), read(m_dir / "b/var/lib/dpkg/status"));
}

TEST_F(RegistryApt, AnImageWithoutADebianReleaseIsAClearError) {
  // A busybox image, built and pushed by distill: no /etc/os-release, so no release to install from.
  fs::create_directories(m_dir / "bb");
  fs::copy_file("/bin/busybox", m_dir / "bb/busybox");
  write(m_dir / "bb/Dockerfile", "FROM scratch\nCOPY busybox /bin/busybox\n");
  auto made = distill("build --progress plain -t " + host() + "/busybox:1 --push " + (m_dir / "bb").string());
  ASSERT_EQ(made.status, 0) << made.output;
  write(m_dir / "app/Dockerfile", "FROM " + host() + "/busybox:1\nRUN apt-get update && apt-get install -y curl\n");
  auto built = distill("build --progress plain " + (m_dir / "app").string());
  EXPECT_EQ(built.status, 1) << built.output;
  EXPECT_NE(built.output.find("has no /etc/os-release"), std::string::npos) << built.output;
  EXPECT_NE(built.output.find("Dockerfile:1"), std::string::npos) << built.output;
  EXPECT_FALSE(fs::exists(m_dir / "app/distill.lock"));
}

TEST_F(RegistryApt, ALockedBuildUsesTheLockedDigestAfterTheTagMoves) {
  const auto first = push_base("base", "");
  ASSERT_FALSE(first.empty());
  write(m_dir / "app/Dockerfile", "FROM " + host() + "/base:1\nRUN test ! -e /marker\n");
  auto built = distill("build --progress plain -t app:1 " + (m_dir / "app").string());
  ASSERT_EQ(built.status, 0) << built.output;
  const auto lock = read(m_dir / "app/distill.lock");
  EXPECT_NE(lock.find("\"digest\": \"" + first + "\""), std::string::npos) << lock;

  // base:1 now names another image, with /marker.
  const auto second = push_base("moved", "RUN touch /marker\n");
  ASSERT_NE(first, second);
  auto again = distill("build --progress plain --locked -t app:2 " + (m_dir / "app").string());
  ASSERT_EQ(again.status, 0) << again.output; // RUN test ! -e /marker passes only on the locked image
  EXPECT_EQ(read(m_dir / "app/distill.lock"), lock);

  // Updating the lock moves to what the tag names now.
  fs::remove(m_dir / "app/distill.lock");
  auto updated = distill("lock " + (m_dir / "app").string());
  EXPECT_EQ(updated.status, 0) << updated.output;
  EXPECT_NE(read(m_dir / "app/distill.lock").find("\"digest\": \"" + second + "\""), std::string::npos);
}

TEST_F(RegistryApt, PackageWordsReadTheBaseImagesEnvAtLockTime) {
  // Only the base's config sets JQ_ABI and TOOLS, as discourse/base sets the PG_MAJOR of
  // discourse's `apt-get install postgresql-${PG_MAJOR}`.
  push_base("base", "ENV JQ_ABI=1 TOOLS=\"jq less\"\n");
  const fs::path app = m_dir / "app";
  write(app / "Dockerfile", "FROM " + host() + "/base:1\n"
                            "RUN apt-get update && apt-get install -y --no-install-recommends libjq${JQ_ABI} $TOOLS\n");

  auto plan = distill("plan " + app.string());
  ASSERT_EQ(plan.status, 0) << plan.output;
  EXPECT_NE(plan.output.find("InstallPackages libjq${JQ_ABI} $TOOLS [no-recommends] [expanded at lock from the base "
                             "image's env: $JQ_ABI, $TOOLS]"),
            std::string::npos)
      << plan.output;
  auto json = distill("plan --json " + app.string());
  ASSERT_EQ(json.status, 0) << json.output;
  const auto planned = nlohmann::json::parse(json.output);
  EXPECT_EQ(planned["stages"][0]["ops"][0]["packages"][1]["from_base_env"]["names"], nlohmann::json::array({"TOOLS"}));

  auto locked = distill("lock " + app.string());
  ASSERT_EQ(locked.status, 0) << locked.output;
  const auto lock = nlohmann::json::parse(read(app / "distill.lock"));
  const auto& install = lock["stages"][0]["installs"][0];
  EXPECT_EQ(install["requests"], nlohmann::json::array({"libjq1", "jq", "less"})) << install.dump(2);
  std::set<std::string> names;
  for (const auto& package : install["packages"]) names.insert(package["name"].get<std::string>());
  for (const char* name : {"libjq1", "jq", "less"}) EXPECT_TRUE(names.contains(name)) << name;

  auto built = distill("build --progress plain --locked -o type=local,dest=" + (m_dir / "out").string() + " " +
                       app.string());
  ASSERT_EQ(built.status, 0) << built.output;
  EXPECT_TRUE(fs::exists(m_dir / "out/usr/bin/jq"));
  EXPECT_TRUE(fs::exists(m_dir / "out/usr/bin/less"));

  // A variable the image's Env does not set: the lock stops at the RUN and says what to do.
  write(m_dir / "unset/Dockerfile", "FROM " + host() + "/base:1\n"
                                    "RUN apt-get update && apt-get install -y postgresql-${PG_MAJOR}\n");
  auto failed = distill("lock " + (m_dir / "unset").string());
  EXPECT_EQ(failed.status, 1) << failed.output;
  EXPECT_NE(failed.output.find("Dockerfile:2"), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find("reads $PG_MAJOR in 'postgresql-${PG_MAJOR}', but the config of " + host() +
                               "/base:1 (FROM on line 1) does not set it"),
            std::string::npos)
      << failed.output;
  EXPECT_FALSE(fs::exists(m_dir / "unset/distill.lock"));
}

} // namespace
