// Pull and push against a real Distribution registry on 127.0.0.1.

#include "backend/fetch/cache.hpp"
#include "backend/layer/blob_dir.hpp"
#include "backend/oci/layout.hpp"
#include "backend/oci/media_types.hpp"
#include "backend/registry/platform.hpp"
#include "backend/registry/pull.hpp"
#include "backend/registry/push.hpp"
#include "backend_test_support.hpp"
#include "fixtures/registry_fixture.hpp"
#include "support/sha256.hpp"
#include "test_util.hpp"

#include <atomic>
#include <fstream>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace distill::backend::registry {
namespace {

using test::LocalRegistry;
using test::TempDir;

class RegistryClient : public ::testing::Test {
protected:
  void SetUp() override {
    if (!test::have_registry()) {
      GTEST_SKIP() << "docker-registry is not installed (" << test::k_registry_binary << ")";
    }
    distill::testing::ensure_curl();
    m_registry = std::make_unique<LocalRegistry>(m_dir / "registry");
    ASSERT_TRUE(m_registry->start()) << m_registry->log();
    options.retry.initial_backoff = std::chrono::milliseconds(50);
    options.retry.max_backoff = std::chrono::milliseconds(800);
    options.retry.max_attempts = 6;
    options.certs_dirs.clear();
    auto cache = fetch::Cache::open(m_dir / "cache");
    ASSERT_TRUE(cache.has_value());
    m_cache = std::make_unique<fetch::Cache>(std::move(*cache));
  }

  Reference ref(const std::string& text) {
    auto parsed = parse_reference(m_registry->host() + "/" + text);
    EXPECT_TRUE(parsed.has_value()) << parsed.error().message;
    return *parsed;
  }

  std::string skopeo_digest(const std::string& image) {
    auto result = test::run("skopeo inspect --tls-verify=false docker://" + m_registry->host() + "/" + image);
    EXPECT_EQ(result.status, 0) << result.output;
    try {
      return nlohmann::json::parse(result.output).value("Digest", "");
    } catch (...) {
      return {};
    }
  }

  TempDir m_dir;
  std::unique_ptr<LocalRegistry> m_registry;
  std::unique_ptr<fetch::Cache> m_cache;
  ClientOptions options;
  oci::Platform amd64{"amd64", "linux", ""};
};

TEST_F(RegistryClient, PushThenPullRoundTrip) {
  const auto layout = m_dir / "src";
  const auto manifest = test::make_test_image(layout, {{{"/etc/hello", "hello\n"}}, {{"/app/x", "x"}}}, "v1");
  std::vector<Reference> targets = {ref("team/app:1"), ref("team/app:latest"), ref("other/app:2")};
  std::vector<std::string> requests;
  options.on_request = [&](std::string_view method, std::string_view url) {
    requests.push_back(std::string(method) + " " + std::string(url));
  };
  auto pushed = push_image(layout, manifest, targets, options);
  ASSERT_TRUE(pushed.has_value()) << pushed.error().message;
  EXPECT_EQ(*pushed, manifest.digest);
  // skopeo sees what we pushed, under every tag.
  EXPECT_EQ(skopeo_digest("team/app:1"), manifest.digest);
  EXPECT_EQ(skopeo_digest("team/app:latest"), manifest.digest);
  EXPECT_EQ(skopeo_digest("other/app:2"), manifest.digest);
  // The second repository got its blobs by cross-repository mount.
  EXPECT_TRUE(std::any_of(requests.begin(), requests.end(),
                          [](const std::string& r) { return r.find("mount=sha256") != std::string::npos; }));

  // A second push uploads nothing: HEAD finds every blob.
  requests.clear();
  ASSERT_TRUE(push_image(layout, manifest, targets, options).has_value());
  EXPECT_FALSE(std::any_of(requests.begin(), requests.end(),
                           [](const std::string& r) { return r.starts_with("POST") || r.starts_with("PATCH"); }));

  auto pulled = pull_image(targets[0], amd64, *m_cache, options);
  ASSERT_TRUE(pulled.has_value()) << pulled.error().message;
  EXPECT_EQ(pulled->manifest_digest, manifest.digest);
  EXPECT_EQ(pulled->resolved_digest, manifest.digest);
  ASSERT_EQ(pulled->layer_files.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    auto digest = fetch::digest_file(pulled->layer_files[i]);
    ASSERT_TRUE(digest.has_value());
    EXPECT_EQ("sha256:" + digest->sha256, pulled->manifest.layers[i].digest);
  }
  // Pulled layers enter a layout as they are (a hard link on one filesystem).
  const auto copy = m_dir / "copy";
  ASSERT_TRUE(oci::init_layout(copy));
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& digest = pulled->manifest.layers[i].digest;
    ASSERT_TRUE(layer::place_blob(pulled->layer_files[i], oci::blobs_dir(copy), digest, pulled->manifest.layers[i].size)
                    .has_value());
    EXPECT_TRUE(std::filesystem::equivalent(pulled->layer_files[i], oci::blobs_dir(copy) / "sha256" / digest.substr(7)));
  }

  // Pinned by digest and cached: no request at all.
  requests.clear();
  auto again = pull_image(targets[0], amd64, *m_cache, options, manifest.digest);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_TRUE(requests.empty()) << requests.front();
}

TEST_F(RegistryClient, PullsDockerSchema2PushedBySkopeo) {
  const auto layout = m_dir / "src";
  test::make_test_image(layout, {{{"/a", "a"}}}, "v1");
  auto copied = test::run("skopeo copy --format v2s2 --dest-tls-verify=false oci:" + layout.string() +
                          ":v1 docker://" + m_registry->host() + "/dock/img:1");
  ASSERT_EQ(copied.status, 0) << copied.output;
  auto pulled = pull_image(ref("dock/img:1"), amd64, *m_cache, options);
  ASSERT_TRUE(pulled.has_value()) << pulled.error().message;
  EXPECT_EQ(pulled->manifest_digest, skopeo_digest("dock/img:1"));
  EXPECT_EQ(pulled->manifest.layers.at(0).media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(pulled->manifest.config.media_type, oci::k_config_type);
  EXPECT_TRUE(m_cache->contains(pulled->manifest.layers[0].digest.substr(7)));
}

TEST_F(RegistryClient, ChoosesThePlatformOfAnIndex) {
  const auto layout = m_dir / "src";
  auto amd = test::make_test_image(layout, {{{"/arch", "amd64"}}}, "", "amd64");
  auto arm = test::make_test_image(layout, {{{"/arch", "arm64"}}}, "", "arm64");
  amd.platform = oci::Platform{"amd64", "linux", ""};
  arm.platform = oci::Platform{"arm64", "linux", "v8"};
  oci::Index index;
  index.manifests = {amd, arm};
  auto index_descriptor = oci::write_json_blob(layout, oci::k_index_type, oci::index_json(index));
  ASSERT_TRUE(index_descriptor.has_value());
  std::vector<Reference> targets = {ref("multi/img:1")};
  auto pushed = push_image(layout, *index_descriptor, targets, options);
  ASSERT_TRUE(pushed.has_value()) << pushed.error().message;
  auto raw = test::run("skopeo inspect --raw --tls-verify=false docker://" + m_registry->host() + "/multi/img:1");
  EXPECT_NE(raw.output.find(arm.digest), std::string::npos) << raw.output;

  auto for_arm = pull_image(targets[0], oci::Platform{"arm64", "linux", ""}, *m_cache, options);
  ASSERT_TRUE(for_arm.has_value()) << for_arm.error().message;
  EXPECT_EQ(for_arm->manifest_digest, arm.digest);
  EXPECT_EQ(for_arm->resolved_digest, index_descriptor->digest);
  auto for_amd = pull_image(targets[0], amd64, *m_cache, options);
  ASSERT_TRUE(for_amd.has_value()) << for_amd.error().message;
  EXPECT_EQ(for_amd->manifest_digest, amd.digest);
  auto none = pull_image(targets[0], oci::Platform{"s390x", "linux", ""}, *m_cache, options);
  ASSERT_FALSE(none.has_value());
  EXPECT_NE(none.error().message.find("no linux/s390x variant (it offers: linux/amd64, linux/arm64/v8)"),
            std::string::npos)
      << none.error().message;
}

TEST_F(RegistryClient, RejectsABlobThatDoesNotMatchItsDigestAndCachesNothing) {
  const auto layout = m_dir / "src";
  const auto manifest = test::make_test_image(layout, {{{"/data", std::string(5000, 'z')}}}, "v1");
  std::vector<Reference> targets = {ref("bad/img:1")};
  ASSERT_TRUE(push_image(layout, manifest, targets, options).has_value());
  auto stored = oci::read_image(layout, "v1");
  ASSERT_TRUE(stored.has_value());
  const auto layer_digest = stored->manifest.layers.at(0).digest;
  const auto data = m_registry->blob_data(layer_digest);
  ASSERT_TRUE(std::filesystem::exists(data));
  {
    // Same size, other bytes: only the digest can tell.
    std::fstream file(data, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(20);
    file.put('\x5a');
    file.put('\x5b');
  }
  auto pulled = pull_image(targets[0], amd64, *m_cache, options);
  ASSERT_FALSE(pulled.has_value());
  EXPECT_NE(pulled.error().message.find(layer_digest.substr(7)), std::string::npos) << pulled.error().message;
  EXPECT_FALSE(m_cache->contains(layer_digest.substr(7)));
  EXPECT_FALSE(std::filesystem::exists(m_cache->partial_path(layer_digest.substr(7))));
}

TEST_F(RegistryClient, MissingImageIsAClearError) {
  auto pulled = pull_image(ref("nothing/here:1"), amd64, *m_cache, options);
  ASSERT_FALSE(pulled.has_value());
  EXPECT_NE(pulled.error().message.find(m_registry->host() + "/nothing/here:1: not found"), std::string::npos)
      << pulled.error().message;
  EXPECT_NE(pulled.error().message.find("MANIFEST_UNKNOWN"), std::string::npos) << pulled.error().message;
}

// Incompressible bytes, so a layer is as large as its content.
std::string random_bytes(std::size_t size) {
  std::mt19937 random(42);
  std::string out(size, '\0');
  for (auto& c : out) {
    c = static_cast<char>(random() & 0xff);
  }
  return out;
}

TEST_F(RegistryClient, ChunkedUploadSurvivesARegistryRestart) {
  const auto layout = m_dir / "src";
  const auto manifest = test::make_test_image(layout, {{{"/big", random_bytes(300000)}}}, "v1");
  options.chunk_size = 64 * 1024;
  std::atomic<int> patches{0};
  std::thread restarter;
  options.on_request = [&](std::string_view method, std::string_view) {
    // The third chunk finds the registry gone; it is back 300 ms later.
    if (method == "PATCH" && ++patches == 3) {
      m_registry->stop();
      restarter = std::thread([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        m_registry->start();
      });
    }
  };
  std::vector<Reference> targets = {ref("big/img:1")};
  auto pushed = push_image(layout, manifest, targets, options);
  if (restarter.joinable()) {
    restarter.join();
  }
  ASSERT_TRUE(pushed.has_value()) << pushed.error().message;
  EXPECT_GE(patches.load(), 6); // 5 chunks, at least one sent again
  EXPECT_EQ(skopeo_digest("big/img:1"), manifest.digest);
  auto pulled = pull_image(targets[0], amd64, *m_cache, options);
  ASSERT_TRUE(pulled.has_value()) << pulled.error().message;
  auto copy = test::run("skopeo copy --src-tls-verify=false docker://" + m_registry->host() + "/big/img:1 dir:" +
                        (m_dir / "dir").string());
  EXPECT_EQ(copy.status, 0) << copy.output; // skopeo verifies every digest
}

TEST_F(RegistryClient, UploadRetriesAreOnePolicyBoundedByMaxAttempts) {
  const auto layout = m_dir / "src";
  const auto manifest = test::make_test_image(layout, {{{"/big", random_bytes(300000)}}}, "v1");
  options.chunk_size = 64 * 1024;
  options.max_parallel = 1; // the config first, then the layer: the count below is exact
  options.retry.max_attempts = 3;
  std::vector<std::string> after_stop; // one transfer at a time: no lock needed
  options.on_request = [&](std::string_view method, std::string_view) {
    if (after_stop.empty() && method == "PATCH") {
      // The registry goes away for good: every request from here on is refused.
      m_registry->stop();
    }
    if (!after_stop.empty() || method == "PATCH") {
      after_stop.emplace_back(method);
    }
  };
  std::vector<Reference> targets = {ref("gone/img:1")};
  auto pushed = push_image(layout, manifest, targets, options);
  ASSERT_FALSE(pushed.has_value());
  EXPECT_NE(pushed.error().message.find("(after 3 attempts)"), std::string::npos) << pushed.error().message;
  // The cut PATCH, then one HEAD per new attempt (a whole new upload); no
  // request retried inside an attempt.
  EXPECT_EQ(after_stop, (std::vector<std::string>{"PATCH", "HEAD", "HEAD"})) << pushed.error().message;
}

TEST_F(RegistryClient, AnUploadTheRegistryRejectsIsNotRetried) {
  const auto layout = m_dir / "src";
  const auto manifest = test::make_test_image(layout, {{{"/data", std::string(5000, 'q')}}}, "v1");
  auto image = oci::read_image(layout, "v1");
  ASSERT_TRUE(image.has_value());
  {
    // Same size, other bytes: the registry answers the PUT with 400 DIGEST_INVALID.
    std::fstream file(oci::blobs_dir(layout) / "sha256" / image->manifest.layers.at(0).digest.substr(7),
                      std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(30);
    file.put('\x01');
  }
  std::atomic<int> posts{0};
  options.on_request = [&](std::string_view method, std::string_view) { posts += method == "POST" ? 1 : 0; };
  std::vector<Reference> targets = {ref("bad/upload:1")};
  auto pushed = push_image(layout, manifest, targets, options);
  ASSERT_FALSE(pushed.has_value());
  EXPECT_NE(pushed.error().message.find("HTTP 400"), std::string::npos) << pushed.error().message;
  EXPECT_EQ(pushed.error().message.find("attempts"), std::string::npos) << pushed.error().message;
  EXPECT_EQ(posts.load(), 2); // the config and the layer, once each
}

} // namespace
} // namespace distill::backend::registry
