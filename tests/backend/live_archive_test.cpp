// Live: the real bookworm InRelease and Packages from the mirror the host's
// apt sources name, through the whole trust chain. Skipped cleanly when the
// host has no such source, the mirror is unreachable, or DISTILL_OFFLINE_TESTS
// is set.

#include "backend/archive/sources.hpp"
#include "backend/archive/suite.hpp"
#include "backend/fetch/blob_fetch.hpp"
#include "backend/fetch/curl_fetcher.hpp"
#include "tests/backend/backend_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace distill::backend::archive {
namespace {

TEST(LiveArchiveTest, BookwormFromTheHostsMirrorVerifies) {
  if (std::getenv("DISTILL_OFFLINE_TESTS") != nullptr) {
    GTEST_SKIP() << "DISTILL_OFFLINE_TESTS is set";
  }
  distill::testing::ensure_curl();
  SourcesContext context;
  context.root = "/";
  auto specs = find_sources(context, SuiteQuery{"debian", "bookworm", "amd64"});
  if (!specs) {
    GTEST_SKIP() << "the host's apt sources have no bookworm: " << specs.error().message;
  }
  const SourceSpec& bookworm = specs->front();
  ASSERT_EQ(bookworm.suite, "bookworm");

  fetch::FetchOptions options;
  options.connect_timeout = std::chrono::seconds(10);
  options.max_attempts = 2;
  auto fetcher = fetch::make_curl_fetcher(options);
  // The cache lives in the build tree, so a second run downloads nothing new
  // unless the mirror published a new index.
  auto cache = fetch::Cache::open(std::filesystem::path(DISTILL_BINARY_DIR) / "test-cache-live");
  ASSERT_TRUE(cache.has_value()) << cache.error().message;

  auto probe = fetch::fetch_bytes(bookworm.uri + "/dists/bookworm/InRelease", *fetcher, *cache);
  if (!probe.result.ok()) {
    GTEST_SKIP() << "mirror unreachable: " << probe.result.error->message;
  }

  auto loaded = load_suite(bookworm, *fetcher, *cache);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  ASSERT_TRUE(loaded->has_value());
  const LoadedSuite& suite = **loaded;
  EXPECT_EQ(suite.release.codename, "bookworm");
  EXPECT_FALSE(suite.signed_by.empty());
  ASSERT_FALSE(suite.indexes.empty());
  const LoadedIndex& main = suite.indexes.front();
  EXPECT_EQ(main.path, "main/binary-amd64/Packages.xz");
  planner::debian::PackageIndex index;
  ASSERT_TRUE(add_to_index(suite, index).has_value());
  EXPECT_GT(index.size(), 50000u) << "bookworm main amd64 has ~63k packages";
  EXPECT_FALSE(index.versions_of("libc6").empty());
  EXPECT_FALSE(index.versions_of("ca-certificates").empty());
}

} // namespace
} // namespace distill::backend::archive
