#pragma once

// One HTTP exchange with a registry through libcurl: method, headers, a body
// from memory or from a slice of a file, the reply into memory or a file
// descriptor. No retries and no auth here; client.hpp adds both. Timeouts and
// what is worth another try are the fetch layer's (backend/fetch).

#include "backend/fetch/fetcher.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace distill::backend::registry {

// Where the request body comes from when it is a file slice (blob uploads).
struct FileSlice {
  std::filesystem::path path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers; // "Name: value"
  std::string body;                 // for POST/PUT/PATCH without `file`
  std::optional<FileSlice> file;    // the body, when set
  // When >= 0 a 2xx body is written here, not kept: a 206 from sink_offset
  // on (a resumed download), a 200 from 0 (the file is cut to the body).
  int sink_fd = -1;
  std::uint64_t sink_offset = 0;
  std::uint64_t max_body = 64ull << 20; // a longer body (counting sink_offset for a 206) is an error
};

// TLS settings of one registry.
struct TlsOptions {
  bool verify = true;
  std::filesystem::path ca_file; // extra trust anchor (self-signed registries)
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers; // names lower case, final reply only
  std::uint64_t received = 0;   // body bytes, also when they went to sink_fd
  std::string error;            // transport failure; empty when a reply came
  bool transient = false;       // the failure (connection, timeout) is worth another try
  bool cert_failure = false;    // the server's certificate was not trusted

  bool replied() const { return error.empty(); }
  // The value of the last header `name` (lower case), or empty.
  std::string header(std::string_view name) const;
  // Worth another try: a transient transport failure, or a 408, 429 or 5xx
  // (fetch::is_transient_http_status). Decided from codes, never from text.
  bool worth_retry() const;
  // The server's Retry-After in seconds, when it sent one.
  std::optional<std::chrono::seconds> retry_after() const;
};

// Performs one request with the timeouts of `transfer`; never throws.
// Transport failures are in `error`.
HttpResponse perform(const HttpRequest& request, const TlsOptions& tls, const fetch::FetchOptions& transfer);

} // namespace distill::backend::registry
