#include "backend/build/url_source.hpp"

#include "backend/fetch/blob_fetch.hpp"

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
                                                        const fetch::Cache& cache, fetch::Fetcher& fetcher) {
  if (!checksum.empty()) {
    if (!checksum.starts_with("sha256:") || !fetch::is_sha256_hex(checksum.substr(7))) {
      return support::fail("ADD --checksum={}: only sha256:<64 hex digits> is supported", checksum);
    }
    // A known digest is a blob like any .deb: cached, verified, usable offline.
    fetch::BlobRequest request;
    request.url = url;
    request.sha256 = checksum.substr(7);
    auto file = fetch::fetch_blob(request, fetcher, cache);
    if (!file) {
      return std::unexpected(file.error().context(fmt::format("ADD {}", url)));
    }
    return file;
  }
  if (cache.offline()) {
    return support::fail("ADD {}: --offline cannot download it, and without --checksum no cached copy can be "
                         "known to be the one",
                         url);
  }
  auto temp = cache.unique_temp_path("add");
  if (!temp) {
    return std::unexpected(temp.error());
  }
  const fetch::FetchRequest request{url, *temp, {}, std::nullopt, std::nullopt};
  const auto results = fetcher.fetch({&request, 1});
  if (!results.front().ok()) {
    std::error_code ec;
    std::filesystem::remove(*temp, ec);
    return std::unexpected(results.front().error->context(fmt::format("ADD {}", url)));
  }
  auto digest = fetch::digest_file(*temp);
  if (!digest) {
    return std::unexpected(digest.error());
  }
  return cache.insert_file(*temp, digest->sha256, digest->size, url);
}

} // namespace distill::backend::build
