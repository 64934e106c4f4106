// ADD <url>: downloads from a loopback server into the cache, verified by
// --checksum, reused offline, refused on a mismatch.

#include "apt_repo_fixture.hpp"
#include "backend_test_support.hpp"
#include "backend/build/copy_exec.hpp"
#include "backend/build/url_source.hpp"
#include "backend/fetch/curl_fetcher.hpp"
#include "support/sha256.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace distill::backend::build {
namespace {

namespace stdfs = std::filesystem;

class UrlSourceTest : public ::testing::Test {
protected:
  void SetUp() override {
    distill::testing::ensure_curl();
    m_dir = stdfs::temp_directory_path() / ("distill-url-" + std::to_string(::getpid()));
    stdfs::remove_all(m_dir);
    stdfs::create_directories(m_dir / "www");
    std::ofstream(m_dir / "www/tool.sh") << m_body;
    auto server = distill::testing::LoopbackServer::start(m_dir / "www");
    ASSERT_TRUE(server) << server.error();
    m_server = std::move(*server);
  }
  void TearDown() override {
    m_server.reset();
    stdfs::remove_all(m_dir);
  }
  std::string url() const { return m_server->url() + "/tool.sh?v=1"; }

  const std::string m_body = "#!/bin/sh\necho tool\n";
  stdfs::path m_dir;
  std::unique_ptr<distill::testing::LoopbackServer> m_server;
  std::unique_ptr<fetch::Fetcher> m_fetcher = fetch::make_curl_fetcher();
};

TEST_F(UrlSourceTest, DownloadVerifiedCachedAndUsedOffline) {
  EXPECT_EQ(url_file_name(url()), "tool.sh");
  EXPECT_EQ(url_file_name("https://example.invalid"), "");
  const std::string digest = "sha256:" + support::sha256_hex(m_body);
  auto cache = fetch::Cache::open(m_dir / "cache");
  ASSERT_TRUE(cache);
  auto file = fetch_url_source(url(), digest, *cache, *m_fetcher);
  ASSERT_TRUE(file) << file.error().message;

  // Offline, the checksum finds it in the cache, with the server gone.
  const std::string gone = url();
  m_server.reset();
  auto offline = fetch::Cache::open(m_dir / "cache", true);
  ASSERT_TRUE(offline);
  auto again = fetch_url_source(gone, digest, *offline, *m_fetcher);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, *file);
  EXPECT_FALSE(fetch_url_source(gone, "", *offline, *m_fetcher));
  EXPECT_FALSE(fetch_url_source(gone, "md5:abc", *offline, *m_fetcher));
}

TEST_F(UrlSourceTest, WrongChecksumIsRefusedAndNothingIsCached) {
  auto cache = fetch::Cache::open(m_dir / "cache");
  ASSERT_TRUE(cache);
  const std::string wrong(64, '0');
  auto file = fetch_url_source(url(), "sha256:" + wrong, *cache, *m_fetcher);
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message.find(wrong), std::string::npos) << file.error().message;
  EXPECT_FALSE(cache->contains(wrong));
}

TEST_F(UrlSourceTest, AddPlacesThePrivateFile) {
  auto cache = fetch::Cache::open(m_dir / "cache");
  ASSERT_TRUE(cache);
  fs::Tree rootfs;
  planner::Copy op;
  op.add = true;
  op.sources = {url()};
  op.dest = "/usr/local/bin/";
  op.workdir = "/";
  CopyInputs inputs;
  inputs.rootfs = &rootfs;
  inputs.epoch = 5;
  inputs.download = [&](const std::string& u, const std::string& sum) { return fetch_url_source(u, sum, *cache, *m_fetcher); };
  auto layer = execute_copy(op, inputs);
  ASSERT_TRUE(layer) << layer.error().message;
  const fs::Entry* tool = layer->find("/usr/local/bin/tool.sh");
  ASSERT_NE(tool, nullptr);
  EXPECT_EQ(tool->mode, 0600u);
  EXPECT_EQ(*fs::read_content(tool->content), m_body);
  op.add = false;
  EXPECT_FALSE(execute_copy(op, inputs));
}

} // namespace
} // namespace distill::backend::build
