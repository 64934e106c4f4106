#include "backend/registry/http.hpp"

#include "backend/fetch/curl_handles.hpp"
#include "backend/fetch/retry.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

namespace distill::backend::registry {

namespace {

struct Exchange {
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  CURL* easy = nullptr;
  int body_fd = -1;           // the upload file, when the body is a slice
  std::uint64_t sent = 0;     // bytes of the body handed to libcurl
  std::string abort_reason;
};

long status_of(CURL* easy) {
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& x = *static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    x.response->headers.clear(); // a new reply (redirect, 100 Continue)
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return n;
  }
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](char c) { return std::tolower(c); });
  auto value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  x.response->headers.emplace_back(std::move(name), std::string(value));
  return n;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& x = *static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  // Error replies stay in memory so their message can be shown.
  const long status = status_of(x.easy);
  const bool to_fd = x.request->sink_fd >= 0 && status / 100 == 2;
  const std::uint64_t start = to_fd && status == 206 ? x.request->sink_offset : 0;
  if (start + x.response->received + n > x.request->max_body) {
    x.abort_reason = fmt::format("the reply is larger than {} bytes", x.request->max_body);
    return 0;
  }
  if (to_fd) {
    std::size_t written = 0;
    while (written < n) {
      const auto at = static_cast<off_t>(start + x.response->received + written);
      const auto w = ::pwrite(x.request->sink_fd, data + written, n - written, at);
      if (w < 0) {
        if (errno == EINTR) {
          continue;
        }
        x.abort_reason = fmt::format("writing the download: {}", std::strerror(errno));
        return 0;
      }
      written += static_cast<std::size_t>(w);
    }
  } else {
    x.response->body.append(data, n);
  }
  x.response->received += n;
  return n;
}

std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto& x = *static_cast<Exchange*>(user);
  const auto& slice = *x.request->file;
  const std::uint64_t left = slice.length - x.sent;
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, size * count));
  if (want == 0) {
    return 0;
  }
  const auto got = ::pread(x.body_fd, buffer, want, static_cast<off_t>(slice.offset + x.sent));
  if (got <= 0) {
    x.abort_reason = fmt::format("reading {}: {}", slice.path.string(),
                                 got == 0 ? "unexpected end of file" : std::strerror(errno));
    return CURL_READFUNC_ABORT;
  }
  x.sent += static_cast<std::uint64_t>(got);
  return static_cast<std::size_t>(got);
}

int on_seek(void* user, curl_off_t offset, int origin) {
  // libcurl rewinds the body when it must resend it (redirect, auth).
  auto& x = *static_cast<Exchange*>(user);
  if (origin != SEEK_SET) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  x.sent = static_cast<std::uint64_t>(offset);
  return CURL_SEEKFUNC_OK;
}

} // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->first == name) {
      return it->second;
    }
  }
  return {};
}

bool HttpResponse::worth_retry() const { return replied() ? fetch::is_transient_http_status(status) : transient; }

std::optional<std::chrono::seconds> HttpResponse::retry_after() const {
  const auto value = header("retry-after");
  // Seconds only; an HTTP date falls back to our own backoff.
  if (value.empty() || value.size() > 6 ||
      !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::chrono::seconds(std::stol(value));
}

HttpResponse perform(const HttpRequest& request, const TlsOptions& tls, const fetch::FetchOptions& transfer) {
  HttpResponse response;
  Exchange x;
  x.request = &request;
  x.response = &response;
  auto easy_or = fetch::make_curl_easy();
  if (!easy_or) {
    response.error = easy_or.error().message;
    return response;
  }
  CURL* easy = easy_or->get();
  x.easy = easy;
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_slist* headers = nullptr;
  for (const auto& header : request.headers) {
    headers = curl_slist_append(headers, header.c_str());
  }
  // No "Expect: 100-continue" round trip before each upload.
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  // Blob GETs may redirect to storage.
  fetch::set_transfer_options(easy, transfer);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &x);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &x);
  if (!tls.verify) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!tls.ca_file.empty()) {
    curl_easy_setopt(easy, CURLOPT_CAINFO, tls.ca_file.c_str());
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.file) {
      x.body_fd = ::open(request.file->path.c_str(), O_RDONLY | O_CLOEXEC);
      if (x.body_fd < 0) {
        response.error = fmt::format("opening {}: {}", request.file->path.string(), std::strerror(errno));
        curl_slist_free_all(headers);
        return response;
      }
      curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(easy, CURLOPT_READFUNCTION, &on_read);
      curl_easy_setopt(easy, CURLOPT_READDATA, &x);
      curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, &on_seek);
      curl_easy_setopt(easy, CURLOPT_SEEKDATA, &x);
      curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.file->length));
    } else {
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
  }
  const CURLcode code = curl_easy_perform(easy);
  response.status = status_of(easy);
  if (request.sink_fd >= 0 && response.status == 200 && code == CURLE_OK) {
    // A full body replaced whatever the file held.
    if (::ftruncate(request.sink_fd, static_cast<off_t>(response.received)) != 0) {
      response.error = fmt::format("truncating the download: {}", std::strerror(errno));
    }
  }
  if (x.body_fd >= 0) {
    ::close(x.body_fd);
  }
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    response.error = !x.abort_reason.empty() ? x.abort_reason
                     : error_buffer[0] != '\0' ? std::string(error_buffer)
                                               : std::string(curl_easy_strerror(code));
    response.transient = x.abort_reason.empty() && fetch::is_transient_curl_code(code);
    response.cert_failure = code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE;
  }
  return response;
}

} // namespace distill::backend::registry
