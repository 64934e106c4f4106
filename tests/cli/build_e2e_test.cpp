// `distill build` end to end on examples/, against the host's configured
// Debian mirror (skipped when it cannot be reached): the image is checked
// with skopeo and umoci, run with podman, and rebuilt elsewhere to the same
// digest.

#include "tests/cli/cli_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};

using distill::cli_test::slurp;

bool have(const char* tool) {
  return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

// One shared download cache for the whole suite, so the .debs come once.
fs::path shared_cache() { return fs::path(DISTILL_BINARY_DIR) / "test-cache"; }

class BuildE2E : public testing::Test {
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
    if (!s_online) {
      GTEST_SKIP() << "the host's Debian mirror is unreachable; skipping live build tests";
    }
    // Lower case: podman names an image pulled from an oci: path after the path.
    std::string name = testing::UnitTest::GetInstance()->current_test_info()->name();
    std::ranges::transform(name, name.begin(), [](unsigned char c) { return std::tolower(c); });
    m_dir = fs::temp_directory_path() / ("distill-build-e2e-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  void TearDown() override {
    if (!m_dir.empty()) {
      fs::remove_all(m_dir);
    }
  }

  // Copies an example into the test directory (so its lock is written there).
  fs::path example(const std::string& name, const std::string& as) {
    const fs::path to = m_dir / as;
    fs::create_directories(to.parent_path());
    fs::copy(fs::path(DISTILL_SOURCE_DIR) / "examples" / name, to, fs::copy_options::recursive);
    return to;
  }

  CommandResult run(const std::string& command_line, const std::string& env = "",
                    const std::string& shell_setup = "true") {
    const std::string command = "cd '" + m_dir.string() + "' && " + shell_setup + " && env XDG_CACHE_HOME='" +
                                shared_cache().string() + "' XDG_DATA_HOME='" + (m_dir / "data").string() +
                                "' " + env + " " + command_line + " >'" + (m_dir / "out").string() + "' 2>'" +
                                (m_dir / "err").string() + "'";
    const int raw = std::system(command.c_str());
    CommandResult result;
    result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    result.out = slurp(m_dir / "out");
    result.err = slurp(m_dir / "err");
    return result;
  }

  std::string distill(const std::string& args) { return std::string("'") + DISTILL_BINARY + "' " + args; }

  fs::path m_dir;
  static inline bool s_online = false;
};

TEST_F(BuildE2E, DebianServiceBuildsChecksAndRuns) {
  const auto context = example("debian-service", "ctx");
  const auto built = run(distill("build --progress=plain -t service:1 -o type=oci-layout,dest=" +
                                 (m_dir / "layout").string() + " -o type=docker,dest=" +
                                 (m_dir / "image.tar").string() + " -o type=local,dest=" +
                                 (m_dir / "local").string() + " --sbom " + (m_dir / "sbom.json").string() +
                                 " --iidfile " + (m_dir / "iid").string() + " " + context.string()));
  ASSERT_EQ(built.status, 0) << built.err;
  const std::string digest = built.out.substr(0, built.out.find('\n'));
  ASSERT_TRUE(digest.starts_with("sha256:")) << built.out;
  EXPECT_EQ(slurp(m_dir / "iid"), digest);
  EXPECT_TRUE(fs::exists(context / "distill.lock"));

  // type=local: the merged filesystem, owners included when run as root.
  EXPECT_TRUE(fs::exists(m_dir / "local/usr/bin/curl"));
  EXPECT_TRUE(fs::is_symlink(m_dir / "local/bin"));
  EXPECT_EQ(fs::status(m_dir / "local/tmp").permissions() & fs::perms::sticky_bit, fs::perms::sticky_bit);

  // The SBOM names every installed package with its purl and the .deb's hash.
  const auto sbom = nlohmann::json::parse(slurp(m_dir / "sbom.json"));
  EXPECT_EQ(sbom["spdxVersion"], "SPDX-2.3");
  bool curl_listed = false;
  for (const auto& package : sbom["packages"]) {
    if (package["name"] == "curl") {
      curl_listed = true;
      EXPECT_TRUE(package["externalRefs"][0]["referenceLocator"].get<std::string>().starts_with("pkg:deb/debian/curl@"));
      EXPECT_EQ(package["checksums"][0]["checksumValue"].get<std::string>().size(), 64u);
      EXPECT_NE(package["licenseDeclared"], "NOASSERTION");
    }
  }
  EXPECT_TRUE(curl_listed);
  // ... and is attached to the image in the layout, as an artifact whose subject is the image.
  const auto index = nlohmann::json::parse(slurp(m_dir / "layout/index.json"));
  int sboms = 0;
  for (const auto& entry : index["manifests"]) {
    sboms += entry.value("artifactType", "") == "application/spdx+json" ? 1 : 0;
  }
  EXPECT_EQ(sboms, 1);

  if (have("skopeo")) {
    const auto inspect = run("skopeo inspect --raw oci:" + (m_dir / "layout").string() + ":service:1");
    ASSERT_EQ(inspect.status, 0) << inspect.err;
    const auto manifest = nlohmann::json::parse(inspect.out);
    EXPECT_GT(manifest["layers"].size(), 3u);
    const auto config = run("skopeo inspect --config oci:" + (m_dir / "layout").string() + ":service:1");
    ASSERT_EQ(config.status, 0) << config.err;
    const auto image = nlohmann::json::parse(config.out);
    EXPECT_EQ(image["config"]["User"], "app");
    EXPECT_EQ(image["config"]["WorkingDir"], "/home/app");
    EXPECT_EQ(image["config"]["Cmd"][0], "/usr/local/bin/probe");
    // The whole config as BuildKit writes it, but for what moves with the
    // archive: the layers' diff_ids and the per-package history entries.
    auto stable = image;
    stable.erase("rootfs");
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& entry : image["history"]) {
      const auto created_by = entry.value("created_by", "");
      if (created_by.find(" # buildkit: ") == std::string::npos && !created_by.starts_with("debian ")) {
        steps.push_back(entry);
      }
    }
    stable["history"] = steps;
    const auto golden = nlohmann::json::parse(
        slurp(fs::path(DISTILL_SOURCE_DIR) / "tests/testdata/build/debian-service.config.golden.json"));
    EXPECT_EQ(stable, golden) << stable.dump(2);
    const auto docker = run("skopeo inspect docker-archive:" + (m_dir / "image.tar").string());
    EXPECT_EQ(docker.status, 0) << docker.err;
  }
  if (have("umoci")) {
    const auto unpacked = run("umoci unpack --rootless --image " + (m_dir / "layout").string() +
                              ":service:1 " + (m_dir / "bundle").string());
    ASSERT_EQ(unpacked.status, 0) << unpacked.err;
    const fs::path rootfs = m_dir / "bundle/rootfs";
    EXPECT_TRUE(fs::exists(rootfs / "usr/bin/curl"));
    EXPECT_TRUE(fs::is_symlink(rootfs / "bin"));
    EXPECT_TRUE(fs::exists(rootfs / "etc/ssl/certs/ca-certificates.crt"));
    EXPECT_TRUE(fs::exists(rootfs / "usr/local/bin/probe"));
    EXPECT_NE(slurp(rootfs / "etc/passwd").find("\napp:"), std::string::npos);
    EXPECT_TRUE(fs::exists(rootfs / "var/lib/dpkg/status.d/curl") || fs::exists(rootfs / "var/lib/dpkg/status"));
  }
  if (have("podman") && have("runc") && ::geteuid() == 0) {
    const auto ran = run("podman run --rm --runtime runc --network=none --ulimit nofile=1024:1024 "
                         "--ulimit nproc=1024:1024 oci:" + (m_dir / "layout").string() +
                         ":service:1 curl --version");
    EXPECT_EQ(ran.status, 0) << ran.err;
    EXPECT_NE(ran.out.find("curl "), std::string::npos) << ran.out;
  }
}

TEST_F(BuildE2E, TwoBuildsInDifferentPlacesGiveOneDigest) {
  const auto first_context = example("debian-service", "one");
  const auto first = run(distill("build --progress=plain -t twice:1 " + first_context.string()));
  ASSERT_EQ(first.status, 0) << first.err;
  const auto second_context = example("debian-service", "elsewhere/two");
  // Another clock, umask and store: the digest must not move.
  const auto second = run(distill("build --progress=plain --no-cache -t twice:1 " + second_context.string()),
                          "TZ=Asia/Tokyo XDG_DATA_HOME='" + (m_dir / "data2").string() + "'", "umask 077");
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_EQ(first.out.substr(0, 71), second.out.substr(0, 71));
  EXPECT_EQ(slurp(first_context / "distill.lock"), slurp(second_context / "distill.lock"));
}

TEST_F(BuildE2E, LockedBuildFailsOnAStaleLock) {
  const auto context = example("debian-service", "ctx");
  ASSERT_EQ(run(distill("lock " + context.string())).status, 0);
  // A change that decides no package keeps the lock.
  std::ofstream(context / "Dockerfile", std::ios::app) << "LABEL changed=yes\n";
  const auto kept = run(distill("build --locked " + context.string()));
  EXPECT_EQ(kept.status, 0) << kept.err;
  // Another install makes it stale.
  std::ofstream(context / "Dockerfile", std::ios::app)
      << "USER root\nRUN apt-get update && apt-get install -y --no-install-recommends jq\n";
  const auto locked = run(distill("build --locked " + context.string()));
  EXPECT_EQ(locked.status, 1);
  EXPECT_NE(locked.err.find("stale"), std::string::npos) << locked.err;
}

TEST_F(BuildE2E, BadDockerfileIsALocatedError) {
  fs::create_directories(m_dir / "bad");
  std::ofstream(m_dir / "bad/Dockerfile") << "FROM debian:bookworm\nRUNN apt-get update\n";
  const auto result = run(distill("build " + (m_dir / "bad").string()));
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("Dockerfile:2:1: error: unknown instruction: RUNN"), std::string::npos) << result.err;
}

} // namespace

// --minimal keeps only the installed closure; the example's probe script
// needs /bin/sh, which nothing installs: the build adds dash (from the compat
// base set), keeps it in the lock and builds again.
TEST_F(BuildE2E, MinimalBuildAddsWhatTheClosureNeeds) {
  const auto context = example("debian-service", "minimal");
  const auto result = run(distill("build --progress=plain --minimal -t small:1 " + context.string()));
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.err.find("--minimal adds dash: /usr/bin/sh (#! interpreter of /usr/local/bin/probe)"),
            std::string::npos)
      << result.err;
  const std::string lock = slurp(context / "distill.lock");
  EXPECT_NE(lock.find("\"rule\": \"--minimal closure"), std::string::npos) << lock;
  // The lock now holds dash: the next build needs no second pass and gives the same image.
  const auto again = run(distill("build --progress=plain --minimal -t small:1 " + context.string()));
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_EQ(again.out, result.out);
  EXPECT_EQ(again.err.find("--minimal adds"), std::string::npos) << again.err;

  // What no package of the base set ships stays an error naming the file.
  std::ofstream(context / "run.js") << "#!/opt/node/bin/node\nconsole.log('hi')\n";
  std::ofstream(context / "Dockerfile", std::ios::app) << "COPY --chmod=0755 run.js /usr/local/bin/run.js\n";
  const auto failed = run(distill("build --progress=plain --minimal -t small:1 " + context.string()));
  EXPECT_EQ(failed.status, 1);
  EXPECT_NE(failed.err.find("/usr/local/bin/run.js: needs /opt/node/bin/node (#! interpreter)"), std::string::npos)
      << failed.err;
}
