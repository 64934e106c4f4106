#include "backend/fetch/blob_fetch.hpp"

#include "backend/archive/debs.hpp"
#include "backend/fetch/curl_fetcher.hpp"
#include "support/atomic_file.hpp"
#include "support/sha256.hpp"
#include "tests/backend/apt_repo_fixture.hpp"
#include "tests/backend/backend_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

namespace distill::backend::fetch {
namespace {

namespace fs = std::filesystem;
using distill::testing::LoopbackServer;
using distill::testing::TempDir;

// Counts calls and fails every request: proves a code path used no network.
class NoNetworkFetcher final : public Fetcher {
public:
  std::vector<FetchResult> fetch(std::span<const FetchRequest> requests,
                                 const ProgressCallback&) override {
    ++calls;
    std::vector<FetchResult> results;
    for (const auto& r : requests) {
      FetchResult result;
      result.url = r.url;
      result.error = support::Error{"no network in this test", std::nullopt};
      results.push_back(result);
    }
    return results;
  }
  int calls = 0;
};

struct Deb {
  std::string filename;
  std::string sha256;
  std::uint64_t size = 0;
  bool tampered = false;
};

class BlobFetchTest : public ::testing::Test {
protected:
  void SetUp() override {
    distill::testing::ensure_curl();
    auto repo = distill::testing::apt_repo_fixture();
    ASSERT_TRUE(repo.has_value()) << repo.error();
    m_repo = *repo;
    auto server = LoopbackServer::start(m_repo.repo);
    ASSERT_TRUE(server.has_value()) << server.error();
    m_server = std::move(*server);
    const auto manifest = nlohmann::json::parse(*support::read_file(m_repo.manifest));
    for (const auto& d : manifest["debs"]) {
      m_debs.push_back(Deb{d["filename"], d["sha256"], d["size"], d["tampered"]});
    }
    m_cache = std::make_unique<Cache>(*Cache::open(m_temp.path() / "cache"));
    FetchOptions options;
    options.initial_backoff = std::chrono::milliseconds(10);
    m_fetcher = make_curl_fetcher(options);
  }

  BlobRequest request_for(const Deb& deb) const {
    return BlobRequest{m_server->url() + "/" + deb.filename, deb.sha256, deb.size, {}, deb.filename};
  }
  const Deb& tampered() const {
    return *std::find_if(m_debs.begin(), m_debs.end(), [](const Deb& d) { return d.tampered; });
  }
  std::vector<BlobRequest> good_requests(std::size_t count) const {
    std::vector<BlobRequest> requests;
    for (const auto& deb : m_debs) {
      if (!deb.tampered && requests.size() < count) {
        requests.push_back(request_for(deb));
      }
    }
    return requests;
  }

  distill::testing::AptRepoFixture m_repo;
  std::unique_ptr<LoopbackServer> m_server;
  std::vector<Deb> m_debs;
  TempDir m_temp;
  std::unique_ptr<Cache> m_cache;
  std::unique_ptr<Fetcher> m_fetcher;
};

TEST_F(BlobFetchTest, FetchesVerifiesAndThenServesFromTheCache) {
  const auto requests = good_requests(12);
  auto paths = fetch_blobs(requests, *m_fetcher, *m_cache);
  ASSERT_TRUE(paths.has_value()) << paths.error().message;
  ASSERT_EQ(paths->size(), requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ((*paths)[i], m_cache->blob_path(requests[i].sha256));
    EXPECT_EQ(*support::read_file((*paths)[i]), *support::read_file(m_repo.repo / requests[i].name));
  }
  NoNetworkFetcher offline_fetcher;
  auto again = fetch_blobs(requests, offline_fetcher, *m_cache);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(offline_fetcher.calls, 0);
}

TEST_F(BlobFetchTest, RejectsATamperedDebAndDoesNotCacheIt) {
  const Deb& deb = tampered();
  auto path = fetch_blob(request_for(deb), *m_fetcher, *m_cache);
  ASSERT_FALSE(path.has_value());
  const std::string& message = path.error().message;
  EXPECT_NE(message.find("checksum mismatch for " + deb.filename), std::string::npos) << message;
  EXPECT_NE(message.find("expected sha256 " + deb.sha256), std::string::npos) << message;
  const std::string actual = support::sha256_hex(*support::read_file(m_repo.repo / deb.filename));
  EXPECT_NE(message.find("got sha256 " + actual), std::string::npos) << message;
  EXPECT_FALSE(m_cache->contains(deb.sha256));
  EXPECT_FALSE(m_cache->contains(actual));
  EXPECT_TRUE(fs::is_empty(m_cache->root() / "tmp")) << "the bad download was left in tmp/";
}

TEST_F(BlobFetchTest, ReportsEveryFailureOfABatch) {
  auto requests = good_requests(3);
  requests.push_back(request_for(tampered()));
  requests.push_back(BlobRequest{m_server->url() + "/pool/missing.deb", std::string(64, 'c'), 1, {},
                                 "pool/missing.deb"});
  auto paths = fetch_blobs(requests, *m_fetcher, *m_cache);
  ASSERT_FALSE(paths.has_value());
  const std::string& message = paths.error().message;
  EXPECT_NE(message.find("2 of 5 downloads failed"), std::string::npos) << message;
  EXPECT_NE(message.find(tampered().filename), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 404"), std::string::npos) << message;
  // The good ones were kept: a rerun only needs the bad ones.
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(m_cache->contains(requests[i].sha256));
  }
}

TEST_F(BlobFetchTest, FallsBackToTheNextUrlOn404) {
  const Deb& deb = m_debs.front();
  BlobRequest request = request_for(deb);
  request.fallback_urls = {request.url};
  request.url = m_server->url() + "/by-hash/nowhere";
  auto path = fetch_blob(request, *m_fetcher, *m_cache);
  ASSERT_TRUE(path.has_value()) << path.error().message;
  EXPECT_TRUE(m_cache->contains(deb.sha256));
}

TEST_F(BlobFetchTest, IfPresentTellsAbsentFromBroken) {
  auto absent = fetch_blob_if_present(
      BlobRequest{m_server->url() + "/nothing-here", std::string(64, 'd'), 1, {}, "nothing"},
      *m_fetcher, *m_cache);
  ASSERT_TRUE(absent.has_value()) << absent.error().message;
  EXPECT_FALSE(absent->has_value());
  auto broken = fetch_blob_if_present(request_for(tampered()), *m_fetcher, *m_cache);
  EXPECT_FALSE(broken.has_value());
}

TEST_F(BlobFetchTest, RestartsWhenAResumedDownloadFailsItsCheck) {
  const Deb& deb = m_debs.front();
  // A partial file an earlier run left, whose bytes are wrong.
  ASSERT_TRUE(support::write_file_atomic(m_cache->partial_path(deb.sha256), std::string(100, 'x')));
  auto path = fetch_blob(request_for(deb), *m_fetcher, *m_cache);
  ASSERT_TRUE(path.has_value()) << path.error().message;
  EXPECT_EQ(*support::read_file(*path), *support::read_file(m_repo.repo / deb.filename));
  const auto log = nlohmann::json::parse(m_server->get("/_log"));
  ASSERT_EQ(log["requests"].size(), 2u);
  EXPECT_EQ(log["requests"][0]["range"], "bytes=100-");
  EXPECT_TRUE(log["requests"][1]["range"].is_null());
}

TEST_F(BlobFetchTest, OfflineModeListsEveryMissingFile) {
  const auto requests = good_requests(3);
  ASSERT_TRUE(fetch_blob(requests[0], *m_fetcher, *m_cache).has_value());
  const Cache offline = *Cache::open(m_cache->root(), true);
  NoNetworkFetcher no_network;
  auto paths = fetch_blobs(requests, no_network, offline);
  ASSERT_FALSE(paths.has_value());
  EXPECT_EQ(no_network.calls, 0);
  const std::string& message = paths.error().message;
  EXPECT_NE(message.find("offline mode: 2 files are not in the cache " + offline.root().string()),
            std::string::npos)
      << message;
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_NE(message.find(requests[i].name + " (sha256 " + requests[i].sha256), std::string::npos)
        << message;
  }
  EXPECT_EQ(message.find(requests[0].name), std::string::npos) << "a cached file was listed";
  auto cached_only = fetch_blobs(std::span(requests.data(), 1), no_network, offline);
  EXPECT_TRUE(cached_only.has_value());
}

TEST_F(BlobFetchTest, FetchDebsUsesPoolUrls) {
  std::vector<archive::DebRequest> debs;
  for (const auto& deb : m_debs) {
    if (!deb.tampered) {
      debs.push_back(archive::DebRequest{m_server->url() + "/", deb.filename, deb.sha256, deb.size});
    }
  }
  auto paths = archive::fetch_debs(debs, *m_fetcher, *m_cache);
  ASSERT_TRUE(paths.has_value()) << paths.error().message;
  EXPECT_EQ(paths->size(), debs.size());
  EXPECT_EQ(archive::pool_url("http://h/debian/", "/pool/x.deb"), "http://h/debian/pool/x.deb");
}

// Two processes fetching the same set into one cache: both succeed, each
// blob is downloaded once (the second waits on the entry lock) and verified.
TEST_F(BlobFetchTest, TwoProcessesShareTheCache) {
  std::vector<BlobRequest> requests;
  for (const auto& r : good_requests(6)) {
    BlobRequest slow = r;
    slow.url = m_server->url() + "/_fault/slow200/" + r.name;
    requests.push_back(slow);
  }
  std::vector<pid_t> children;
  for (int i = 0; i < 2; ++i) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto fetcher = make_curl_fetcher();
      auto paths = fetch_blobs(requests, *fetcher, *m_cache);
      ::_exit(paths.has_value() ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  for (const auto& r : requests) {
    EXPECT_TRUE(m_cache->contains(r.sha256, r.size));
  }
  const auto log = nlohmann::json::parse(m_server->get("/_log"));
  EXPECT_EQ(log["requests"].size(), requests.size()) << "a blob was downloaded twice";
}

} // namespace
} // namespace distill::backend::fetch
