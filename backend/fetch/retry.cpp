#include "backend/fetch/retry.hpp"

#include <algorithm>

#include <curl/curl.h>

namespace distill::backend::fetch {

bool is_transient_http_status(long status) {
  switch (status) {
  case 408: // request timeout
  case 429: // too many requests
    return true;
  case 501: // not implemented: asking again will not help
  case 505: // HTTP version not supported
    return false;
  default:
    return status >= 500 && status <= 599;
  }
}

bool is_transient_curl_code(int code) {
  switch (static_cast<CURLcode>(code)) {
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  case CURLE_PARTIAL_FILE:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
  case CURLE_SSL_CONNECT_ERROR:
    return true;
  default:
    return false;
  }
}

std::chrono::milliseconds backoff_delay(const FetchOptions& options, int next_attempt,
                                        std::optional<std::chrono::seconds> retry_after) {
  using std::chrono::milliseconds;
  const int doublings = std::clamp(next_attempt - 2, 0, 30);
  // Saturate before the shift can overflow; the cap applies right after.
  auto delay = options.initial_backoff;
  for (int i = 0; i < doublings && delay < options.max_backoff; ++i) {
    delay *= 2;
  }
  if (retry_after) {
    delay = std::max<milliseconds>(delay, *retry_after);
  }
  return std::min(delay, options.max_backoff);
}

} // namespace distill::backend::fetch
