#pragma once

// Move-only owners of libcurl handles. curl.h itself is included only by the
// .cpp files that talk to libcurl; these typedefs match its own (void).

#include "backend/fetch/fetcher.hpp"
#include "support/error.hpp"

#include <memory>

typedef void CURL;  // NOLINT: same declaration as <curl/curl.h>
typedef void CURLM; // NOLINT

namespace distill::backend::fetch {

// curl_global_init for the process. Create exactly one, early in main, before
// any thread starts; it cleans up when destroyed.
class CurlGlobal {
public:
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
  ~CurlGlobal();
  // Initialises libcurl (SSL included); fails when libcurl refuses.
  static support::Result<std::unique_ptr<CurlGlobal>> init();

private:
  CurlGlobal() = default;
};

struct CurlEasyDeleter {
  void operator()(CURL* handle) const;
};
struct CurlMultiDeleter {
  void operator()(CURLM* handle) const;
};

// An easy handle; curl_easy_cleanup on destruction.
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
// A multi handle; curl_multi_cleanup on destruction (remove easies first).
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;

// A new easy handle, or an error when libcurl is out of memory.
support::Result<CurlEasy> make_curl_easy();
// A new multi handle, or an error when libcurl is out of memory.
support::Result<CurlMulti> make_curl_multi();

// What every transfer of distill shares, mirror download or registry request:
// no signals, the user agent, the connect and low-speed timeouts of `options`,
// redirects followed (10 at most, HTTP(S) only).
void set_transfer_options(CURL* easy, const FetchOptions& options);

} // namespace distill::backend::fetch
