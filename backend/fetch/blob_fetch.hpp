#pragma once

// Downloads into the cache: the meeting point of Fetcher and Cache. Every
// blob is checked against its expected sha256 (and size) before it is
// stored; offline mode serves only from the cache and lists what is missing.

#include "backend/fetch/cache.hpp"
#include "backend/fetch/fetcher.hpp"

#include <span>
#include <vector>

namespace distill::backend::fetch {

struct BlobRequest {
  std::string url;
  std::string sha256;
  std::optional<std::uint64_t> size;
  // Tried in order when the previous URL answers 404/410 (e.g. by-hash first,
  // then the plain path).
  std::vector<std::string> fallback_urls;
  // How errors name the file, e.g. "pool/main/c/curl/curl_7.88.1-10_amd64.deb"; defaults to url.
  std::string name;
};

// Returns the cache path of each blob, in request order. Present blobs are
// used as they are; missing ones are downloaded in parallel and verified.
// Fails with every failure of the batch in one message (file, expected and
// actual digest for a mismatch); in offline mode, with every missing file.
support::Result<std::vector<std::filesystem::path>>
fetch_blobs(std::span<const BlobRequest> requests, Fetcher& fetcher, const Cache& cache,
            const ProgressCallback& progress = {});

// One blob; same rules as fetch_blobs.
support::Result<std::filesystem::path> fetch_blob(const BlobRequest& request, Fetcher& fetcher,
                                                  const Cache& cache,
                                                  const ProgressCallback& progress = {});

// Like fetch_blob, but nullopt instead of an error when every URL answers
// 404/410 (an index variant the mirror does not carry).
support::Result<std::optional<std::filesystem::path>>
fetch_blob_if_present(const BlobRequest& request, Fetcher& fetcher, const Cache& cache,
                      const ProgressCallback& progress = {});

// A download whose digest is not known beforehand (an InRelease): the bytes,
// not cached, with the fetch result so a caller can tell 404 from failure.
// In offline mode it fails without touching the network.
struct FetchedBytes {
  FetchResult result;
  std::string data;
};
FetchedBytes fetch_bytes(const std::string& url, Fetcher& fetcher, const Cache& cache);

} // namespace distill::backend::fetch
