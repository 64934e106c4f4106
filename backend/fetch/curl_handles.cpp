#include "backend/fetch/curl_handles.hpp"

#include <curl/curl.h>

namespace distill::backend::fetch {

CurlGlobal::~CurlGlobal() { curl_global_cleanup(); }

support::Result<std::unique_ptr<CurlGlobal>> CurlGlobal::init() {
  const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) {
    return support::fail("initialising libcurl: {}", curl_easy_strerror(code));
  }
  return std::unique_ptr<CurlGlobal>(new CurlGlobal());
}

void CurlEasyDeleter::operator()(CURL* handle) const { curl_easy_cleanup(handle); }

void CurlMultiDeleter::operator()(CURLM* handle) const { curl_multi_cleanup(handle); }

void set_transfer_options(CURL* easy, const FetchOptions& options) {
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_limit);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
}

support::Result<CurlEasy> make_curl_easy() {
  CURL* handle = curl_easy_init();
  if (handle == nullptr) {
    return support::fail("libcurl: cannot create a transfer handle");
  }
  return CurlEasy(handle);
}

support::Result<CurlMulti> make_curl_multi() {
  CURLM* handle = curl_multi_init();
  if (handle == nullptr) {
    return support::fail("libcurl: cannot create a multi handle");
  }
  return CurlMulti(handle);
}

} // namespace distill::backend::fetch
