#include "backend/archive/debs.hpp"

#include "backend/fetch/blob_fetch.hpp"

namespace distill::backend::archive {

std::string pool_url(std::string_view archive_uri, std::string_view filename) {
  while (archive_uri.ends_with('/')) {
    archive_uri.remove_suffix(1);
  }
  while (filename.starts_with('/')) {
    filename.remove_prefix(1);
  }
  return fmt::format("{}/{}", archive_uri, filename);
}

support::Result<std::filesystem::path> fetch_deb(const std::string& url, const std::string& sha256,
                                                 std::uint64_t size, fetch::Fetcher& fetcher,
                                                 const fetch::Cache& cache,
                                                 const fetch::ProgressCallback& progress) {
  return fetch::fetch_blob(fetch::BlobRequest{url, sha256, size, {}, url}, fetcher, cache, progress);
}

support::Result<std::vector<std::filesystem::path>>
fetch_debs(std::span<const DebRequest> debs, fetch::Fetcher& fetcher, const fetch::Cache& cache,
           const fetch::ProgressCallback& progress) {
  std::vector<fetch::BlobRequest> requests;
  requests.reserve(debs.size());
  for (const auto& deb : debs) {
    requests.push_back(fetch::BlobRequest{pool_url(deb.archive_uri, deb.filename), deb.sha256,
                                          deb.size, {}, deb.filename});
  }
  return fetch::fetch_blobs(requests, fetcher, cache, progress);
}

} // namespace distill::backend::archive
