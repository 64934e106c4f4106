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
