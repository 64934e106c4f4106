#include "backend/fetch/curl_fetcher.hpp"

#include "support/atomic_file.hpp"
#include "tests/backend/apt_repo_fixture.hpp"
#include "tests/backend/backend_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

namespace distill::backend::fetch {
namespace {

namespace fs = std::filesystem;
using distill::testing::LoopbackServer;
using distill::testing::TempDir;

// Options that keep the retry tests quick.
FetchOptions fast_options() {
  FetchOptions options;
  options.initial_backoff = std::chrono::milliseconds(10);
  options.max_backoff = std::chrono::milliseconds(50);
  options.max_attempts = 4;
  options.connect_timeout = std::chrono::seconds(5);
  return options;
}

class CurlFetcherTest : public ::testing::Test {
protected:
  void SetUp() override {
    distill::testing::ensure_curl();
    auto repo = distill::testing::apt_repo_fixture();
    ASSERT_TRUE(repo.has_value()) << repo.error();
    m_repo = *repo;
    auto server = LoopbackServer::start(m_repo.repo);
    ASSERT_TRUE(server.has_value()) << server.error();
    m_server = std::move(*server);
  }

  std::string url(const std::string& path) const { return m_server->url() + path; }
  std::string source(const std::string& path) const {
    return *support::read_file(m_repo.repo / path.substr(1));
  }
  nlohmann::json log() const { return nlohmann::json::parse(m_server->get("/_log")); }
  FetchResult fetch_one(const FetchRequest& request, const FetchOptions& options = fast_options()) {
    auto fetcher = make_curl_fetcher(options);
    return fetcher->fetch(std::span(&request, 1)).front();
  }

  distill::testing::AptRepoFixture m_repo;
  std::unique_ptr<LoopbackServer> m_server;
  TempDir m_temp;
};

constexpr const char* k_packages = "/dists/fixture/main/binary-amd64/Packages";

TEST_F(CurlFetcherTest, DownloadsAFileAndReportsProgress) {
  const fs::path dest = m_temp.path() / "Packages";
  std::uint64_t last_done = 0;
  bool finished = false;
  auto fetcher = make_curl_fetcher(fast_options());
  const FetchRequest request{url(k_packages), dest, {}, std::nullopt};
  auto results = fetcher->fetch(std::span(&request, 1), [&](const FetchProgress& p) {
    EXPECT_EQ(p.index, 0u);
    EXPECT_GE(p.done, last_done);
    last_done = p.done;
    finished = finished || p.finished;
  });
  ASSERT_TRUE(results[0].ok()) << results[0].error->message;
  EXPECT_EQ(results[0].http_status, 200);
  EXPECT_EQ(results[0].attempts, 1);
  EXPECT_EQ(*support::read_file(dest), source(k_packages));
  EXPECT_EQ(last_done, results[0].bytes);
  EXPECT_TRUE(finished);
  EXPECT_FALSE(fs::exists(partial_path_of(request)));
}

TEST_F(CurlFetcherTest, DownloadsSeveralFilesInParallel) {
  const std::vector<std::string> paths = {
      "/dists/fixture/main/binary-amd64/Packages",    "/dists/fixture/main/binary-amd64/Packages.gz",
      "/dists/fixture/main/binary-amd64/Packages.xz", "/dists/fixture/main/binary-arm64/Packages",
      "/dists/fixture/main/binary-arm64/Packages.gz", "/dists/fixture/main/binary-arm64/Packages.xz"};
  std::vector<FetchRequest> requests;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    // The server holds each answer back, so transfers overlap if they run at once.
    requests.push_back(FetchRequest{url("/_fault/slow300" + paths[i]),
                                    m_temp.path() / std::to_string(i), {}, std::nullopt});
  }
  FetchOptions options = fast_options();
  options.max_parallel = 3;
  auto results = make_curl_fetcher(options)->fetch(requests);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].error->message;
    EXPECT_EQ(*support::read_file(requests[i].destination), source(paths[i])) << paths[i];
  }
  const int peak = log()["peak_concurrency"].get<int>();
  EXPECT_GE(peak, 2) << "downloads ran one after the other";
  EXPECT_LE(peak, 3) << "more transfers than max_parallel";
}

TEST_F(CurlFetcherTest, RetriesOn503) {
  const FetchRequest request{url(std::string("/_fault/503x2") + k_packages),
                             m_temp.path() / "Packages", {}, std::nullopt};
  auto result = fetch_one(request);
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(result.attempts, 3);
  EXPECT_EQ(*support::read_file(request.destination), source(k_packages));
  int unavailable = 0;
  const auto entries = log();
  for (const auto& r : entries["requests"]) {
    unavailable += r["status"] == 503 ? 1 : 0;
  }
  EXPECT_EQ(unavailable, 2);
}

TEST_F(CurlFetcherTest, RetriesOn429) {
  const FetchRequest request{url(std::string("/_fault/429x1") + k_packages),
                             m_temp.path() / "Packages", {}, std::nullopt};
  auto result = fetch_one(request);
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(result.attempts, 2);
}

TEST_F(CurlFetcherTest, GivesUpAfterMaxAttempts) {
  const FetchRequest request{url(std::string("/_fault/503x99") + k_packages),
                             m_temp.path() / "Packages", {}, std::nullopt};
  FetchOptions options = fast_options();
  options.max_attempts = 3;
  auto result = fetch_one(request, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.attempts, 3);
  EXPECT_NE(result.error->message.find("HTTP 503"), std::string::npos) << result.error->message;
  EXPECT_NE(result.error->message.find("after 3 attempts"), std::string::npos);
  EXPECT_NE(result.error->message.find(request.url), std::string::npos);
  EXPECT_FALSE(fs::exists(request.destination));
}

TEST_F(CurlFetcherTest, DoesNotRetryNotFound) {
  const FetchRequest request{url("/dists/fixture/no-such-file"), m_temp.path() / "x", {},
                             std::nullopt};
  auto result = fetch_one(request);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.not_found());
  EXPECT_EQ(result.attempts, 1);
  EXPECT_NE(result.error->message.find("HTTP 404"), std::string::npos);
  EXPECT_FALSE(fs::exists(partial_path_of(request)));
}

TEST_F(CurlFetcherTest, ResumesAfterACutConnection) {
  const FetchRequest request{url(std::string("/_fault/cut5000") + k_packages),
                             m_temp.path() / "Packages", {}, std::nullopt};
  auto result = fetch_one(request);
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_TRUE(result.resumed);
  EXPECT_EQ(result.attempts, 2);
  EXPECT_EQ(*support::read_file(request.destination), source(k_packages));
  const auto requests = log()["requests"];
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_TRUE(requests[0]["range"].is_null());
  EXPECT_EQ(requests[1]["range"], "bytes=5000-");
  EXPECT_EQ(requests[1]["status"], 206);
}

TEST_F(CurlFetcherTest, ResumesAPartialFileFromAnEarlierRun) {
  const FetchRequest request{url(k_packages), m_temp.path() / "Packages", {}, std::nullopt};
  const std::string whole = source(k_packages);
  ASSERT_TRUE(support::write_file_atomic(partial_path_of(request), whole.substr(0, 1234)));
  auto result = fetch_one(request);
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_TRUE(result.resumed);
  EXPECT_EQ(*support::read_file(request.destination), whole);
  EXPECT_EQ(log()["requests"][0]["range"], "bytes=1234-");
}

TEST_F(CurlFetcherTest, StartsOverWhenTheServerIgnoresRange) {
  const FetchRequest request{url(std::string("/_fault/norange") + k_packages),
                             m_temp.path() / "Packages", {}, std::nullopt};
  ASSERT_TRUE(support::write_file_atomic(partial_path_of(request), "garbage that must go"));
  auto result = fetch_one(request);
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_FALSE(result.resumed);
  EXPECT_EQ(*support::read_file(request.destination), source(k_packages));
}

TEST_F(CurlFetcherTest, RejectsABodyLargerThanExpected) {
  const FetchRequest request{url(k_packages), m_temp.path() / "Packages", {}, 100};
  auto result = fetch_one(request);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error->message.find("larger than the expected 100 bytes"), std::string::npos)
      << result.error->message;
  EXPECT_FALSE(fs::exists(request.destination));
  EXPECT_FALSE(fs::exists(partial_path_of(request)));
}

TEST_F(CurlFetcherTest, RetriesARefusedConnection) {
  // A port nobody listens on: the server's own, after it stopped.
  const std::string dead = m_server->url();
  m_server.reset();
  const FetchRequest request{dead + k_packages, m_temp.path() / "Packages", {}, std::nullopt};
  FetchOptions options = fast_options();
  options.max_attempts = 2;
  auto result = fetch_one(request, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.attempts, 2);
  EXPECT_NE(result.error->message.find("after 2 attempts"), std::string::npos)
      << result.error->message;
}

// Sets an environment variable for one scope (the tests run one at a time).
class ScopedEnv {
public:
  ScopedEnv(const char* name, const std::string& value) : m_name(name) {
    if (const char* old = std::getenv(name)) {
      m_old = old;
    }
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (m_old) {
      ::setenv(m_name, m_old->c_str(), 1);
    } else {
      ::unsetenv(m_name);
    }
  }

private:
  const char* m_name;
  std::optional<std::string> m_old;
};

TEST_F(CurlFetcherTest, HonoursHttpProxy) {
  ScopedEnv proxy("http_proxy", m_server->url());
  ScopedEnv no_proxy("no_proxy", "");
  // A reserved name that cannot resolve: only the proxy can answer it.
  const FetchRequest request{std::string("http://distill-proxy-test.invalid") + k_packages,
                             m_temp.path() / "Packages", {}, std::nullopt};
  auto result = fetch_one(request);
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(*support::read_file(request.destination), source(k_packages));
  EXPECT_TRUE(log()["requests"][0]["proxied"].get<bool>());
}

TEST_F(CurlFetcherTest, HonoursNoProxy) {
  ScopedEnv proxy("http_proxy", "http://127.0.0.1:9"); // the discard port: no proxy there
  ScopedEnv no_proxy("no_proxy", "127.0.0.1");
  const FetchRequest request{url(k_packages), m_temp.path() / "Packages", {}, std::nullopt};
  FetchOptions options = fast_options();
  options.max_attempts = 1;
  auto result = fetch_one(request, options);
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_FALSE(log()["requests"][0]["proxied"].get<bool>());
}

} // namespace
} // namespace distill::backend::fetch
