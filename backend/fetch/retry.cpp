#include "backend/fetch/retry.hpp"

#include <algorithm>

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
