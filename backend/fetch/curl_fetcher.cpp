#include "backend/fetch/curl_fetcher.hpp"

#include "backend/fetch/curl_handles.hpp"
#include "backend/fetch/retry.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <thread>

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace distill::backend::fetch {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// One request across its attempts. Addresses are stable (held by unique_ptr)
// because libcurl keeps a pointer to it as the callbacks' user data.
struct Transfer {
  std::size_t index = 0;
  const FetchRequest* request = nullptr;
  fs::path partial;
  FetchResult result;
  CurlEasy easy;
  int fd = -1;
  std::uint64_t offset = 0;   // partial bytes kept from earlier attempts
  std::uint64_t received = 0; // body bytes of this attempt
  std::uint64_t content_range_start = 0;
  bool has_content_range = false;
  bool body_seen = false;
  std::string range;        // the Range value while resuming (libcurl keeps the pointer)
  std::string abort_reason; // why our callback stopped the transfer
  Clock::time_point ready_at;
  char error_buffer[CURL_ERROR_SIZE] = {};
  const ProgressCallback* progress = nullptr;
};

void report(Transfer& t, bool finished) {
  if (t.progress == nullptr || !*t.progress) {
    return;
  }
  std::uint64_t total = t.request->expected_size.value_or(0);
  if (total == 0 && t.easy) {
    curl_off_t length = -1;
    curl_easy_getinfo(t.easy.get(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (length >= 0) {
      total = t.offset + static_cast<std::uint64_t>(length);
    }
  }
  (*t.progress)(FetchProgress{t.index, &t.request->url, t.offset + t.received, total, finished});
}

// Called once per header line; remembers where a 206 body starts.
std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    t.has_content_range = false; // a new response (after a redirect)
  }
  constexpr std::string_view k_prefix = "content-range:";
  if (line.size() > k_prefix.size() &&
      std::equal(k_prefix.begin(), k_prefix.end(), line.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    auto value = line.substr(k_prefix.size());
    const auto digits = value.find_first_of("0123456789");
    if (digits != std::string_view::npos) {
      value = value.substr(digits);
      std::uint64_t start = 0;
      if (std::from_chars(value.data(), value.data() + value.size(), start).ec == std::errc{}) {
        t.content_range_start = start;
        t.has_content_range = true;
      }
    }
  }
  return n;
}

// Decides, at the first body byte, whether the server honoured our Range.
bool accept_body_start(Transfer& t) {
  long status = 0;
  curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
  if (t.offset > 0 && status == 200) {
    // The server ignored the Range: start the file over.
    if (::ftruncate(t.fd, 0) != 0) {
      t.abort_reason = fmt::format("truncating {}: {}", t.partial.string(), std::strerror(errno));
      return false;
    }
    t.offset = 0;
  } else if (t.offset > 0 && status == 206 &&
             (!t.has_content_range || t.content_range_start != t.offset)) {
    t.abort_reason = fmt::format("the server answered a range request for byte {} with a "
                                 "different range",
                                 t.offset);
    return false;
  }
  if (t.offset > 0) {
    t.result.resumed = true;
  }
  return true;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (!t.body_seen) {
    t.body_seen = true;
    if (!accept_body_start(t)) {
      return 0;
    }
  }
  const auto limit = t.request->expected_size ? t.request->expected_size : t.request->max_size;
  if (limit && t.offset + t.received + n > *limit) {
    t.abort_reason = fmt::format("the file is larger than the {} {} bytes",
                                 t.request->expected_size ? "expected" : "allowed", *limit);
    t.result.too_large = true;
    return 0;
  }
  std::size_t written = 0;
  while (written < n) {
    const auto w = ::write(t.fd, data + written, n - written);
    if (w < 0) {
      if (errno == EINTR) {
        continue;
      }
      t.abort_reason = fmt::format("writing {}: {}", t.partial.string(), std::strerror(errno));
      return 0;
    }
    written += static_cast<std::size_t>(w);
  }
  t.received += n;
  report(t, false);
  return n;
}

// Opens the partial file, keeping what an earlier attempt or run left there.
support::Result<void> open_partial(Transfer& t) {
  std::error_code ec;
  fs::create_directories(t.partial.parent_path(), ec);
  if (ec) {
    return support::fail("creating {}: {}", t.partial.parent_path().string(), ec.message());
  }
  t.offset = 0;
  struct stat st {};
  if (::stat(t.partial.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    t.offset = static_cast<std::uint64_t>(st.st_size);
    // A partial as long as the whole file cannot be resumed; fetch it again.
    if (t.request->expected_size && t.offset >= *t.request->expected_size) {
      t.offset = 0;
    }
  }
  t.fd = ::open(t.partial.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (t.fd < 0) {
    return support::fail("opening {}: {}", t.partial.string(), std::strerror(errno));
  }
  if (t.offset == 0 && ::ftruncate(t.fd, 0) != 0) {
    return support::fail("truncating {}: {}", t.partial.string(), std::strerror(errno));
  }
  return {};
}

void close_fd(Transfer& t) {
  if (t.fd >= 0) {
    ::close(t.fd);
    t.fd = -1;
  }
}

} // namespace

namespace {

class CurlFetcher final : public Fetcher {
public:
  explicit CurlFetcher(FetchOptions options) : m_options(std::move(options)) {}

  std::vector<FetchResult> fetch(std::span<const FetchRequest> requests,
                                 const ProgressCallback& progress) override;

private:
  support::Result<void> start_attempt(Transfer& t, CURLM* multi);
  // Returns true when the transfer should be tried again.
  bool finish_attempt(Transfer& t, CURLcode code);
  void configure(Transfer& t);

  FetchOptions m_options;
};

void CurlFetcher::configure(Transfer& t) {
  CURL* easy = t.easy.get();
  curl_easy_setopt(easy, CURLOPT_URL, t.request->url.c_str());
  curl_easy_setopt(easy, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, t.error_buffer);
  curl_easy_setopt(easy, CURLOPT_FAILONERROR, 1L);
  set_transfer_options(easy, m_options);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https,file");
  if (t.offset > 0) {
    // A plain Range header, not CURLOPT_RESUME_FROM: that one fails outright
    // when the server ignores it, while a 200 is fine (we start over).
    t.range = fmt::format("{}-", t.offset);
    curl_easy_setopt(easy, CURLOPT_RANGE, t.range.c_str());
  }
}

support::Result<void> CurlFetcher::start_attempt(Transfer& t, CURLM* multi) {
  ++t.result.attempts;
  t.received = 0;
  t.body_seen = false;
  t.has_content_range = false;
  t.abort_reason.clear();
  t.error_buffer[0] = '\0';
  if (auto opened = open_partial(t); !opened) {
    return opened;
  }
  auto easy = make_curl_easy();
  if (!easy) {
    close_fd(t);
    return std::unexpected(easy.error());
  }
  t.easy = std::move(*easy);
  configure(t);
  if (const CURLMcode code = curl_multi_add_handle(multi, t.easy.get()); code != CURLM_OK) {
    close_fd(t);
    return support::fail("libcurl: {}", curl_multi_strerror(code));
  }
  return {};
}

bool CurlFetcher::finish_attempt(Transfer& t, CURLcode code) {
  long status = 0;
  curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
  curl_off_t retry_after = 0;
  curl_easy_getinfo(t.easy.get(), CURLINFO_RETRY_AFTER, &retry_after);
  t.result.http_status = status;
  close_fd(t);
  const bool http_ok = status == 0 || status == 200 || status == 206;
  if (code == CURLE_OK && http_ok) {
    std::error_code ec;
    fs::create_directories(t.request->destination.parent_path(), ec);
    fs::rename(t.partial, t.request->destination, ec);
    if (ec) {
      t.result.error = support::Error{fmt::format("downloading {}: moving {} into place: {}",
                                                  t.request->url, t.partial.string(), ec.message()),
                                      std::nullopt};
      return false;
    }
    t.result.bytes = t.offset + t.received;
    return false;
  }
  bool transient = false;
  std::string why;
  if (!t.abort_reason.empty()) {
    why = t.abort_reason;
  } else if (status >= 400) {
    why = fmt::format("HTTP {}", status);
    transient = is_transient_http_status(status);
    if (status == 416 && t.offset > 0) {
      // Our partial no longer matches the file there: start over.
      ::unlink(t.partial.c_str());
      transient = true;
    }
  } else if (code != CURLE_OK) {
    why = t.error_buffer[0] != '\0' ? std::string(t.error_buffer) : curl_easy_strerror(code);
    transient = is_transient_curl_code(code);
  } else {
    why = fmt::format("unexpected HTTP status {}", status);
  }
  if (transient && t.result.attempts < m_options.max_attempts) {
    const auto delay = backoff_delay(m_options, t.result.attempts + 1,
                                     retry_after > 0 ? std::optional(std::chrono::seconds(retry_after))
                                                     : std::nullopt);
    t.ready_at = Clock::now() + delay;
    return true;
  }
  if (!transient) {
    // Nothing worth resuming: the next run starts clean.
    ::unlink(t.partial.c_str());
  }
  t.result.error = support::Error{fmt::format(
      "downloading {}: {}{}", t.request->url, why,
      t.result.attempts > 1 ? fmt::format(" (after {} attempts)", t.result.attempts) : ""),
                                  std::nullopt};
  return false;
}

std::vector<FetchResult> CurlFetcher::fetch(std::span<const FetchRequest> requests,
                                            const ProgressCallback& progress) {
  std::vector<std::unique_ptr<Transfer>> transfers;
  std::deque<Transfer*> waiting;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto t = std::make_unique<Transfer>();
    t->index = i;
    t->request = &requests[i];
    t->partial = partial_path_of(requests[i]);
    t->result.url = requests[i].url;
    t->progress = &progress;
    waiting.push_back(t.get());
    transfers.push_back(std::move(t));
  }
  auto collect = [&] {
    std::vector<FetchResult> results;
    for (auto& t : transfers) {
      results.push_back(std::move(t->result));
    }
    return results;
  };
  auto multi = make_curl_multi();
  if (!multi) {
    for (auto& t : transfers) {
      t->result.error = multi.error().context(fmt::format("downloading {}", t->request->url));
    }
    return collect();
  }
  const long parallel = std::max(1, m_options.max_parallel);
  curl_multi_setopt(multi->get(), CURLMOPT_MAX_HOST_CONNECTIONS, parallel);

  std::size_t remaining = transfers.size();
  long active = 0;
  while (remaining > 0) {
    const auto now = Clock::now();
    for (auto it = waiting.begin(); it != waiting.end() && active < parallel;) {
      Transfer& t = **it;
      if (t.ready_at > now) {
        ++it;
        continue;
      }
      it = waiting.erase(it);
      if (auto started = start_attempt(t, multi->get()); !started) {
        t.result.error = started.error().context(fmt::format("downloading {}", t.request->url));
        --remaining;
        report(t, true);
        continue;
      }
      ++active;
    }
    int running = 0;
    curl_multi_perform(multi->get(), &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi->get(), &queued)) {
      if (message->msg != CURLMSG_DONE) {
        continue;
      }
      Transfer* t = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &t);
      const CURLcode code = message->data.result;
      curl_multi_remove_handle(multi->get(), message->easy_handle);
      --active;
      const bool again = finish_attempt(*t, code);
      t->easy.reset();
      if (again) {
        waiting.push_back(t);
      } else {
        --remaining;
        report(*t, true);
      }
    }
    if (remaining == 0) {
      break;
    }
    // Sleep until libcurl has work or the next retry is due.
    auto wait = std::chrono::milliseconds(1000);
    if (active < parallel) {
      for (const Transfer* t : waiting) {
        const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(t->ready_at - Clock::now());
        wait = std::clamp(until, std::chrono::milliseconds(0), wait);
      }
    }
    if (active > 0) {
      curl_multi_poll(multi->get(), nullptr, 0, static_cast<int>(wait.count()), nullptr);
    } else if (wait.count() > 0) {
      std::this_thread::sleep_for(wait);
    }
  }
  return collect();
}

} // namespace

std::unique_ptr<Fetcher> make_curl_fetcher(FetchOptions options) {
  return std::make_unique<CurlFetcher>(std::move(options));
}

} // namespace distill::backend::fetch
