#pragma once

// When to try a download again and how long to wait: pure functions, so the
// policy is tested without a network.

#include "backend/fetch/fetcher.hpp"

#include <chrono>
#include <optional>

namespace distill::backend::fetch {

// True for HTTP statuses worth another try: 408, 429 and 5xx except 501/505.
bool is_transient_http_status(long status);

// True for libcurl results (a CURLcode) worth another try: no connection, a
// cut or timed-out transfer, a failed TLS handshake.
bool is_transient_curl_code(int code);

// The wait before attempt `next_attempt` (2 = first retry): initial_backoff
// doubled per earlier retry, capped at max_backoff; a server's Retry-After
// wins when it is longer, still capped.
std::chrono::milliseconds backoff_delay(const FetchOptions& options, int next_attempt,
                                        std::optional<std::chrono::seconds> retry_after = {});

} // namespace distill::backend::fetch
