#pragma once

// The download seam: everything that needs bytes from a mirror goes through a
// Fetcher, so tests can serve from 127.0.0.1 or inject an in-memory one.

#include "support/error.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace distill::backend::fetch {

// One file to download. The bytes go to `partial_path` (kept across attempts
// and runs so a cut download resumes with a Range request) and are renamed to
// `destination` once the transfer completed. Verification is the caller's job.
struct FetchRequest {
  std::string url;
  std::filesystem::path destination;
  // Defaults to destination + ".partial" when empty.
  std::filesystem::path partial_path;
  // When known, a larger body is an error (a mirror cannot feed us more than
  // the index promised) and the progress total.
  std::optional<std::uint64_t> expected_size = std::nullopt;
  // A bound for bodies of unknown size (a hostile server cannot fill the disk).
  std::optional<std::uint64_t> max_size = std::nullopt;
};

// What happened to one request. `error` is empty on success.
struct FetchResult {
  std::string url;
  long http_status = 0;     // last HTTP status seen, 0 when none (file://, no reply)
  std::uint64_t bytes = 0;  // size of the finished file
  int attempts = 0;         // 1 when the first try succeeded
  bool resumed = false;     // some attempt continued a partial file
  bool too_large = false;   // stopped because the body outgrew expected_size
  std::optional<support::Error> error;

  bool ok() const { return !error.has_value(); }
  // True for 404/410: the file does not exist there (no retry, maybe a fallback).
  bool not_found() const { return http_status == 404 || http_status == 410; }
};

// Progress of one item, for a progress printer: plain numbers, no formatting.
struct FetchProgress {
  std::size_t index = 0;     // position in the request list
  const std::string* url = nullptr;
  std::uint64_t done = 0;    // bytes on disk for this item, resumed bytes included
  std::uint64_t total = 0;   // 0 when unknown
  bool finished = false;
};

using ProgressCallback = std::function<void(const FetchProgress&)>;

// Knobs of the real fetcher; the defaults suit a mirror over the internet.
struct FetchOptions {
  int max_parallel = 8;
  int max_attempts = 5;                                  // first try included
  std::chrono::milliseconds initial_backoff{500};        // doubled per retry
  std::chrono::milliseconds max_backoff{15000};
  std::chrono::seconds connect_timeout{20};
  // Abort a transfer slower than low_speed_limit bytes/s for low_speed_time.
  long low_speed_limit = 1024;
  std::chrono::seconds low_speed_time{30};
  std::string user_agent = "distill";
};

class Fetcher {
public:
  virtual ~Fetcher() = default;
  // Downloads every request, in parallel where it can; returns one result per
  // request in the same order. Never throws; each failure is in its result.
  virtual std::vector<FetchResult> fetch(std::span<const FetchRequest> requests,
                                         const ProgressCallback& progress = {}) = 0;
};

// The partial file of a request (its partial_path, or destination + ".partial").
std::filesystem::path partial_path_of(const FetchRequest& request);

} // namespace distill::backend::fetch
