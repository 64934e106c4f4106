#pragma once

// The last link of the trust chain: each .deb checked against the SHA256 and
// Size its verified Packages stanza gives, before it enters the cache.

#include "backend/fetch/cache.hpp"
#include "backend/fetch/fetcher.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace distill::backend::archive {

struct DebRequest {
  std::string archive_uri; // the archive root the index came from
  std::string filename;    // Packages "Filename": "pool/main/c/curl/curl_7.88.1-10_amd64.deb"
  std::string sha256;      // Packages "SHA256"
  std::uint64_t size = 0;  // Packages "Size"
};

// <archive_uri>/<filename>.
std::string pool_url(std::string_view archive_uri, std::string_view filename);

// The cached, verified .deb at `url`; fails naming the file with the expected
// and actual digest on a mismatch (the file is then not cached), and offline
// when it is not cached.
support::Result<std::filesystem::path> fetch_deb(const std::string& url, const std::string& sha256,
                                                 std::uint64_t size, fetch::Fetcher& fetcher,
                                                 const fetch::Cache& cache,
                                                 const fetch::ProgressCallback& progress = {});

// Many .debs at once (downloaded in parallel); paths in request order. Every
// failure of the batch is in the one error.
support::Result<std::vector<std::filesystem::path>>
fetch_debs(std::span<const DebRequest> debs, fetch::Fetcher& fetcher, const fetch::Cache& cache,
           const fetch::ProgressCallback& progress = {});

} // namespace distill::backend::archive
