#pragma once

// The real Fetcher: libcurl's multi interface, several transfers at once,
// retries with exponential backoff, Range resume into the .partial file.
// libcurl reads the usual proxy variables itself (http_proxy, https_proxy,
// all_proxy, no_proxy; not the upper-case HTTP_PROXY, by design).

#include "backend/fetch/fetcher.hpp"

#include <memory>

namespace distill::backend::fetch {

// A Fetcher backed by libcurl. CurlGlobal::init() must have run (in main).
std::unique_ptr<Fetcher> make_curl_fetcher(FetchOptions options = {});

} // namespace distill::backend::fetch
