#include "backend/build/url_source.hpp"

#include "backend/fetch/curl_fetcher.hpp"
#include "backend/fetch/fetcher.hpp"

#include <fmt/format.h>

namespace distill::backend::build {

std::string url_file_name(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  const auto scheme = path.find("://");
  const auto host_end = path.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (host_end == std::string::npos) {
    return {};
  }
  return path.substr(path.rfind('/') + 1);
}

support::Result<std::filesystem::path> fetch_url_source(const std::string& url, const std::string& checksum,
                                                        const fetch::Cache& cache) {
  std::string expected;
  if (!checksum.empty()) {
    if (!checksum.starts_with("sha256:") || !fetch::is_sha256_hex(checksum.substr(7))) {
      return support::fail("ADD --checksum={}: only sha256:<64 hex digits> is supported", checksum);
    }
    expected = checksum.substr(7);
    if (cache.contains(expected)) {
      return cache.blob_path(expected);
    }
  }
  if (cache.offline()) {
    return support::fail("ADD {}: not in the download cache and --offline forbids downloading it{}", url,
                         expected.empty() ? " (without --checksum it can never be found in the cache)" : "");
  }
  auto temp = cache.unique_temp_path("add");
  if (!temp) {
    return std::unexpected(temp.error());
  }
  auto fetcher = fetch::make_curl_fetcher();
  const fetch::FetchRequest request{url, *temp, {}, std::nullopt, std::nullopt};
  const auto results = fetcher->fetch({&request, 1});
  if (!results.front().ok()) {
    std::error_code ec;
    std::filesystem::remove(*temp, ec);
    return std::unexpected(results.front().error->context(fmt::format("ADD {}", url)));
  }
  auto digest = fetch::digest_file(*temp);
  if (!digest) {
    return std::unexpected(digest.error());
  }
  // insert_file checks the digest: with --checksum against the expected one,
  // so a mismatch names both and nothing enters the cache.
  return cache.insert_file(*temp, expected.empty() ? digest->sha256 : expected, std::nullopt, url);
}

} // namespace distill::backend::build
