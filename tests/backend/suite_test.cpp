// The trust chain on the fixture repository served from 127.0.0.1: every
// tampering the fixture carries must be rejected with a clear error.

#include "backend/archive/suite.hpp"

#include "backend/archive/debs.hpp"
#include "backend/fetch/curl_fetcher.hpp"
#include "support/atomic_file.hpp"
#include "support/sha256.hpp"
#include "tests/backend/apt_repo_fixture.hpp"
#include "tests/backend/backend_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace distill::backend::archive {
namespace {

namespace fs = std::filesystem;
using distill::testing::LoopbackServer;
using distill::testing::TempDir;

class NoNetworkFetcher final : public fetch::Fetcher {
public:
  std::vector<fetch::FetchResult> fetch(std::span<const fetch::FetchRequest> requests,
                                        const fetch::ProgressCallback&) override {
    ++calls;
    std::vector<fetch::FetchResult> results(requests.size());
    for (auto& r : results) {
      r.error = support::Error{"no network in this test", std::nullopt};
    }
    return results;
  }
  int calls = 0;
};

class SuiteTest : public ::testing::Test {
protected:
  void SetUp() override {
    distill::testing::ensure_curl();
    auto repo = distill::testing::apt_repo_fixture();
    ASSERT_TRUE(repo.has_value()) << repo.error();
    m_repo = *repo;
    auto server = LoopbackServer::start(m_repo.repo);
    ASSERT_TRUE(server.has_value()) << server.error();
    m_server = std::move(*server);
    m_cache = std::make_unique<fetch::Cache>(*fetch::Cache::open(m_temp.path() / "cache"));
    fetch::FetchOptions options;
    options.initial_backoff = std::chrono::milliseconds(10);
    m_fetcher = fetch::make_curl_fetcher(options);
  }

  SourceSpec spec(const std::string& suite, const std::string& arch = "amd64") const {
    SourceSpec s;
    s.distro = "debian";
    s.uri = m_server->url();
    s.suite = suite;
    s.components = {"main"};
    s.architectures = {arch};
    s.keyrings.files = {m_repo.keyring};
    s.origin = "test";
    return s;
  }
  support::Result<std::optional<LoadedSuite>> load(const SourceSpec& s, const LoadOptions& o = {}) {
    return load_suite(s, *m_fetcher, *m_cache, o);
  }
  // Loads a suite that must fail, and returns the message.
  std::string failure(const SourceSpec& s) {
    auto suite = load(s);
    EXPECT_FALSE(suite.has_value()) << s.suite << " loaded";
    return suite ? std::string() : suite.error().message;
  }
  std::vector<std::string> requested_paths() const {
    std::vector<std::string> paths;
    const auto log = nlohmann::json::parse(m_server->get("/_log"));
    for (const auto& r : log["requests"]) {
      paths.push_back(r["path"]);
    }
    return paths;
  }

  distill::testing::AptRepoFixture m_repo;
  std::unique_ptr<LoopbackServer> m_server;
  TempDir m_temp;
  std::unique_ptr<fetch::Cache> m_cache;
  std::unique_ptr<fetch::Fetcher> m_fetcher;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(SuiteTest, LoadsAVerifiedSuite) {
  auto loaded = load(spec("fixture"));
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  ASSERT_TRUE(loaded->has_value());
  const LoadedSuite& suite = **loaded;
  EXPECT_EQ(suite.release_url, m_server->url() + "/dists/fixture/InRelease");
  EXPECT_EQ(suite.release.suite, "stable");
  EXPECT_EQ(suite.release.codename, "fixture");
  EXPECT_EQ(suite.signed_by.size(), 1u);
  EXPECT_EQ(suite.release_sha256,
            support::sha256_hex(*support::read_file(m_repo.repo / "dists/fixture/InRelease")));
  ASSERT_EQ(suite.indexes.size(), 1u);
  const LoadedIndex& index = suite.indexes[0];
  EXPECT_EQ(index.path, "main/binary-amd64/Packages.xz");
  EXPECT_EQ(index.text, *support::read_file(m_repo.repo / "dists/fixture/main/binary-amd64/Packages"));
  EXPECT_EQ(index.text_sha256, support::sha256_hex(index.text));
  EXPECT_EQ(index.sha256, suite.release.files.at(index.path).sha256);
  EXPECT_TRUE(m_cache->contains(index.sha256));
  EXPECT_TRUE(m_cache->contains(index.text_sha256)); // the next run skips decompression
  EXPECT_TRUE(m_cache->contains(suite.release_sha256));
  // Acquire-By-Hash: the index came from its by-hash path.
  const auto paths = requested_paths();
  EXPECT_TRUE(std::any_of(paths.begin(), paths.end(), [](const std::string& p) {
    return contains(p, "/main/binary-amd64/by-hash/SHA256/");
  }));
}

TEST_F(SuiteTest, FallsBackFromByHashToThePlainPath) {
  // The fixture has no by-hash copy for arm64.
  auto loaded = load(spec("fixture", "arm64"));
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_TRUE(contains((*loaded)->indexes[0].text, "Architecture: arm64"));
  const auto paths = requested_paths();
  EXPECT_TRUE(std::find(paths.begin(), paths.end(), "/dists/fixture/main/binary-arm64/Packages.xz") !=
              paths.end());
}

TEST_F(SuiteTest, AcceptsAnArmoredKeyringAndAnInlineKey) {
  SourceSpec s = spec("fixture");
  s.keyrings.files = {m_repo.keyring.parent_path() / "archive-keyring.asc"};
  auto from_file = load(s);
  ASSERT_TRUE(from_file.has_value()) << from_file.error().message;
  s.keyrings.files.clear();
  s.keyrings.armored = {*support::read_file(m_repo.keyring.parent_path() / "archive-keyring.asc")};
  auto inline_key = load(s);
  ASSERT_TRUE(inline_key.has_value()) << inline_key.error().message;
}

TEST_F(SuiteTest, RejectsASignatureByAnUnknownKey) {
  const std::string message = failure(spec("badsig"));
  EXPECT_TRUE(contains(message, "signature check failed for " + m_server->url() +
                                    "/dists/badsig/InRelease: it is signed by key"))
      << message;
  EXPECT_TRUE(contains(message, "which is not in the trusted keyring(s) " + m_repo.keyring.string()))
      << message;
  EXPECT_FALSE(fs::exists(m_cache->root() / "urls") && !fs::is_empty(m_cache->root() / "urls"))
      << "a rejected InRelease was recorded";
}

TEST_F(SuiteTest, RejectsAnInReleaseChangedAfterSigning) {
  const std::string message = failure(spec("tampered-inrelease"));
  EXPECT_TRUE(contains(message, "bad signature on " + m_server->url() +
                                    "/dists/tampered-inrelease/InRelease: BADSIG"))
      << message;
}

TEST_F(SuiteTest, RejectsUnsignedDataAfterTheSignature) {
  const std::string message = failure(spec("trailing-data"));
  EXPECT_TRUE(contains(message, "unsigned data after the signature")) << message;
}

TEST_F(SuiteTest, RejectsATamperedPackagesIndexAndDoesNotCacheIt) {
  const std::string message = failure(spec("tampered-packages"));
  const std::string xz = "dists/tampered-packages/main/binary-amd64/Packages.xz";
  const auto release = *parse_release(*support::read_file(m_repo.repo / "dists/tampered-packages/Release"), "R");
  const std::string expected = release.files.at("main/binary-amd64/Packages.xz").sha256;
  const std::string actual = support::sha256_hex(*support::read_file(m_repo.repo / xz));
  EXPECT_TRUE(contains(message, "checksum mismatch for " + m_server->url() + "/" + xz)) << message;
  EXPECT_TRUE(contains(message, "expected sha256 " + expected)) << message;
  // The tampered index is longer than listed: the download stops at the listed size.
  EXPECT_TRUE(contains(message, "got more than " + std::to_string(release.files.at("main/binary-amd64/Packages.xz").size) + " bytes")) << message;
  EXPECT_FALSE(m_cache->contains(expected));
  EXPECT_FALSE(m_cache->contains(actual));
}

TEST_F(SuiteTest, RejectsAnExpiredReleaseUnlessTold) {
  SourceSpec s = spec("expired");
  EXPECT_TRUE(contains(failure(s), "/dists/expired/InRelease has expired (Valid-Until 2000-01-01"));
  s.check_valid_until = false;
  auto loaded = load(s);
  EXPECT_TRUE(loaded.has_value()) << loaded.error().message;
}

TEST_F(SuiteTest, AcceptsADetachedSignature) {
  auto loaded = load(spec("detached"));
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ((*loaded)->release_url, m_server->url() + "/dists/detached/Release");
  EXPECT_EQ((*loaded)->release.codename, "detached");
}

TEST_F(SuiteTest, RefusesAnUnsignedArchive) {
  EXPECT_TRUE(contains(failure(spec("unsigned")), "/dists/unsigned/Release is not signed"));
}

TEST_F(SuiteTest, MissingSuiteFailsUnlessOptional) {
  SourceSpec s = spec("fixture-backports");
  EXPECT_TRUE(contains(failure(s), "has no suite fixture-backports"));
  s.optional = true;
  auto loaded = load(s);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(SuiteTest, NamesAMissingKeyring) {
  SourceSpec s = spec("fixture");
  s.keyrings.files = {m_temp.path() / "nope.gpg"};
  const std::string message = failure(s);
  EXPECT_TRUE(contains(message, "the keyring " + (m_temp.path() / "nope.gpg").string() +
                                    " does not exist"))
      << message;
}

TEST_F(SuiteTest, RejectsASuiteServedUnderAnotherName) {
  // A mirror that answers for dists/fixture with another suite's (validly
  // signed) files: replaying one suite as another must fail.
  fs::create_directories(m_temp.path() / "mirror/dists");
  fs::copy(m_repo.repo / "dists/fixture-updates", m_temp.path() / "mirror/dists/fixture",
           fs::copy_options::recursive);
  auto server = LoopbackServer::start(m_temp.path() / "mirror");
  ASSERT_TRUE(server.has_value());
  SourceSpec s = spec("fixture");
  s.uri = (*server)->url();
  EXPECT_TRUE(contains(failure(s), "asked for suite fixture, but the file is for Suite "
                                   "\"stable-updates\", Codename \"fixture-updates\""));
}

TEST_F(SuiteTest, OfflineUsesOnlyTheCache) {
  NoNetworkFetcher no_network;
  const fetch::Cache empty_offline = *fetch::Cache::open(m_temp.path() / "empty", true);
  auto cold = load_suite(spec("fixture"), no_network, empty_offline);
  ASSERT_FALSE(cold.has_value());
  EXPECT_TRUE(contains(cold.error().message, "offline mode: no cached InRelease for " +
                                                 m_server->url() + "/dists/fixture/InRelease"))
      << cold.error().message;

  auto online = load(spec("fixture"));
  ASSERT_TRUE(online.has_value()) << online.error().message;
  const fetch::Cache offline = *fetch::Cache::open(m_cache->root(), true);
  auto warm = load_suite(spec("fixture"), no_network, offline);
  ASSERT_TRUE(warm.has_value()) << warm.error().message;
  EXPECT_EQ((*warm)->indexes[0].text, (*online)->indexes[0].text);
  EXPECT_EQ(no_network.calls, 0);
  // An index never fetched is reported as missing, by name and digest.
  auto arm = load_suite(spec("fixture", "arm64"), no_network, offline);
  ASSERT_FALSE(arm.has_value());
  EXPECT_TRUE(contains(arm.error().message, "offline mode: 1 file is not in the cache"))
      << arm.error().message;
  EXPECT_TRUE(contains(arm.error().message, "dists/fixture/main/binary-arm64/Packages.xz"));
}

TEST_F(SuiteTest, APinnedReleaseComesFromTheCacheOrMustMatch) {
  auto first = load(spec("fixture"));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  NoNetworkFetcher no_network;
  LoadOptions pinned;
  pinned.pinned_release_sha256 = (*first)->release_sha256;
  auto again = load_suite(spec("fixture"), no_network, *m_cache, pinned);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(no_network.calls, 0);

  pinned.pinned_release_sha256 = std::string(64, 'e');
  auto changed = load(spec("fixture"), pinned);
  ASSERT_FALSE(changed.has_value());
  EXPECT_TRUE(contains(changed.error().message, "changed since it was locked: expected sha256 " +
                                                    std::string(64, 'e') + ", got sha256 " +
                                                    (*first)->release_sha256))
      << changed.error().message;
}

TEST_F(SuiteTest, FeedsThePackageIndexAndVerifiesDebs) {
  std::vector<SourceSpec> specs = {spec("fixture"), spec("fixture-updates"), spec("fixture-security")};
  auto suites = load_suites(specs, *m_fetcher, *m_cache);
  ASSERT_TRUE(suites.has_value()) << suites.error().message;
  ASSERT_EQ(suites->size(), 3u);
  planner::debian::PackageIndex index;
  for (const auto& suite : *suites) {
    ASSERT_TRUE(add_to_index(suite, index).has_value());
  }
  const auto libc = index.versions_of("libc6");
  ASSERT_EQ(libc.size(), 2u);
  EXPECT_EQ(index.package(libc[0]).version, "2.36-9+deb12u1"); // highest first
  EXPECT_EQ(index.origin(index.package(libc[0]).origin).codename, "fixture-updates");
  EXPECT_EQ(index.origin(index.package(libc[1]).origin).suite, "stable");

  // Every .deb of the index: the good ones verify, the tampered one is refused.
  std::vector<DebRequest> good;
  std::optional<DebRequest> bad;
  for (const auto& package : index.packages()) {
    DebRequest deb{m_server->url(), std::string(package.filename), std::string(package.sha256),
                   package.size};
    if (package.name == "tampered") {
      bad = deb;
    } else {
      good.push_back(deb);
    }
  }
  auto paths = fetch_debs(good, *m_fetcher, *m_cache);
  ASSERT_TRUE(paths.has_value()) << paths.error().message;
  ASSERT_TRUE(bad.has_value());
  auto refused = fetch_deb(pool_url(bad->archive_uri, bad->filename), bad->sha256, bad->size,
                           *m_fetcher, *m_cache);
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(contains(refused.error().message, "checksum mismatch for " + m_server->url() + "/" +
                                                    bad->filename + ": expected sha256 " + bad->sha256))
      << refused.error().message;
  EXPECT_FALSE(m_cache->contains(bad->sha256));
}

} // namespace
} // namespace distill::backend::archive
