#pragma once

// ADD <url>: the file is downloaded into the content-addressed cache. With
// --checksum=sha256:<hex> the bytes are verified and a cached copy with that
// digest is used without touching the network (so --offline works); without
// one, the download is whatever the server sends that day, which the linter
// reports as unreproducible.

#include "backend/fetch/cache.hpp"
#include "backend/fetch/fetcher.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <string>

namespace distill::backend::build {

// The cached file holding the URL's bytes. Fails on a download error, a
// checksum mismatch (naming both digests), a checksum that is not sha256, or
// in offline mode when the file is not cached.
support::Result<std::filesystem::path> fetch_url_source(const std::string& url, const std::string& checksum,
                                                        const fetch::Cache& cache, fetch::Fetcher& fetcher);

// The file name ADD gives a URL's download: its path's last segment ("" when
// the URL names a directory).
std::string url_file_name(const std::string& url);

} // namespace distill::backend::build
