#include "backend/fetch/blob_fetch.hpp"

#include "support/atomic_file.hpp"

#include <map>

#include <unistd.h>

namespace distill::backend::fetch {

namespace fs = std::filesystem;

namespace {

// Locks are held for a whole batch; chunking bounds the open descriptors.
constexpr std::size_t k_batch_size = 128;
// Signed Release files are a few hundred KiB; anything far larger is hostile.
constexpr std::uint64_t k_max_unverified_size = std::uint64_t{64} << 20;

struct Pending {
  std::size_t index = 0; // first request with this digest
  const BlobRequest* request = nullptr;
  std::size_t url_index = 0; // 0: url, then fallback_urls
  EntryLock lock;
  bool restarted = false; // a resumed download failed its check and was fetched again whole
};

std::string name_of(const BlobRequest& request) {
  return request.name.empty() ? request.url : request.name;
}

const std::string& url_at(const BlobRequest& request, std::size_t i) {
  return i == 0 ? request.url : request.fallback_urls[i - 1];
}

struct Failure {
  std::string message;
  bool not_found = false; // every URL answered 404/410
};

// Downloads every pending blob (whose locks the caller holds), moving to the
// next fallback URL on 404, and stores what verifies. Returns the failures.
std::vector<Failure> download(std::vector<Pending>& batch, Fetcher& fetcher, const Cache& cache,
                                  const ProgressCallback& progress) {
  std::vector<Failure> errors;
  std::vector<Pending*> todo;
  for (auto& p : batch) {
    todo.push_back(&p);
  }
  while (!todo.empty()) {
    std::vector<FetchRequest> requests;
    for (const Pending* p : todo) {
      const std::string& sha = p->request->sha256;
      auto destination = cache.root() / "tmp" / (sha + ".download");
      requests.push_back(FetchRequest{url_at(*p->request, p->url_index), destination,
                                      cache.partial_path(sha), p->request->size});
    }
    // Progress speaks of the caller's indexes, not of this batch's.
    ProgressCallback mapped;
    if (progress) {
      mapped = [&](const FetchProgress& item) {
        FetchProgress copy = item;
        copy.index = todo[item.index]->index;
        progress(copy);
      };
    }
    auto results = fetcher.fetch(requests, mapped);
    std::vector<Pending*> next;
    for (std::size_t i = 0; i < todo.size(); ++i) {
      Pending& p = *todo[i];
      const FetchResult& result = results[i];
      if (result.ok()) {
        auto stored = cache.insert_file(requests[i].destination, p.request->sha256, p.request->size,
                                        name_of(*p.request), &p.lock);
        if (!stored && result.resumed && !p.restarted) {
          // The partial file from an earlier run may itself have been bad;
          // insert_file removed it, so this attempt starts from byte 0.
          p.restarted = true;
          next.push_back(&p);
        } else if (!stored) {
          errors.push_back(Failure{stored.error().message, false});
        }
      } else if (result.not_found() && p.url_index < p.request->fallback_urls.size()) {
        ++p.url_index;
        next.push_back(&p);
      } else if (result.too_large) {
        errors.push_back(Failure{
            fmt::format("checksum mismatch for {}: expected sha256 {} ({} bytes), got more than {} "
                        "bytes from {}",
                        name_of(*p.request), p.request->sha256, *p.request->size,
                        *p.request->size, requests[i].url),
            false});
      } else {
        errors.push_back(Failure{result.error->message, result.not_found()});
      }
    }
    todo = std::move(next);
  }
  return errors;
}

support::Error combine(const std::vector<Failure>& errors, std::size_t total) {
  if (errors.size() == 1) {
    return support::Error{errors.front().message, std::nullopt};
  }
  std::string message = fmt::format("{} of {} downloads failed:", errors.size(), total);
  for (const auto& e : errors) {
    message += "\n  " + e.message;
  }
  return support::Error{message, std::nullopt};
}

support::Error offline_error(const std::vector<const BlobRequest*>& missing, const Cache& cache) {
  std::string message = fmt::format("offline mode: {} file{} not in the cache {}:", missing.size(),
                                    missing.size() == 1 ? " is" : "s are", cache.root().string());
  for (const BlobRequest* r : missing) {
    message += fmt::format("\n  {} (sha256 {}, from {})", name_of(*r), r->sha256, r->url);
  }
  message += "\nrun once without --offline to download them";
  return support::Error{message, std::nullopt};
}

// fetch_blobs, with the failures kept apart so callers can tell "absent" from "broken".
support::Result<std::vector<Failure>> fetch_missing(std::span<const BlobRequest> requests,
                                                   Fetcher& fetcher, const Cache& cache,
                                                   const ProgressCallback& progress,
                                                   std::size_t& missing_count) {
  std::map<std::string, std::size_t> first_of; // digest -> first request
  std::vector<const BlobRequest*> missing;
  std::vector<std::size_t> missing_index;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const BlobRequest& r = requests[i];
    if (!is_sha256_hex(r.sha256)) {
      return support::fail("{}: \"{}\" is not a sha256 digest", name_of(r), r.sha256);
    }
    if (first_of.emplace(r.sha256, i).second && !cache.contains(r.sha256, r.size)) {
      missing.push_back(&r);
      missing_index.push_back(i);
    }
  }
  if (!missing.empty() && cache.offline()) {
    return std::unexpected(offline_error(missing, cache));
  }
  missing_count = missing.size();
  std::vector<Failure> errors;
  for (std::size_t start = 0; start < missing.size(); start += k_batch_size) {
    const std::size_t end = std::min(missing.size(), start + k_batch_size);
    std::vector<Pending> mine;
    std::vector<Pending> others; // another process is downloading these
    for (std::size_t i = start; i < end; ++i) {
      auto lock = cache.lock_entry(missing[i]->sha256, false);
      if (!lock) {
        return std::unexpected(lock.error());
      }
      Pending p{missing_index[i], missing[i], 0, std::move(*lock)};
      (p.lock.held() ? mine : others).push_back(std::move(p));
    }
    auto failed = download(mine, fetcher, cache, progress);
    errors.insert(errors.end(), failed.begin(), failed.end());
    mine.clear(); // unlock
    std::vector<Pending> retry;
    for (auto& p : others) {
      auto lock = cache.lock_entry(p.request->sha256, true); // wait for the other build
      if (!lock) {
        return std::unexpected(lock.error());
      }
      if (!cache.contains(p.request->sha256, p.request->size)) {
        p.lock = std::move(*lock);
        retry.push_back(std::move(p));
      }
    }
    failed = download(retry, fetcher, cache, progress);
    errors.insert(errors.end(), failed.begin(), failed.end());
  }
  return errors;
}

} // namespace

support::Result<std::vector<fs::path>> fetch_blobs(std::span<const BlobRequest> requests,
                                                   Fetcher& fetcher, const Cache& cache,
                                                   const ProgressCallback& progress) {
  std::size_t missing = 0;
  auto errors = fetch_missing(requests, fetcher, cache, progress, missing);
  if (!errors) {
    return std::unexpected(errors.error());
  }
  if (!errors->empty()) {
    return std::unexpected(combine(*errors, missing));
  }
  std::vector<fs::path> paths;
  for (const auto& r : requests) {
    paths.push_back(cache.blob_path(r.sha256));
  }
  return paths;
}

support::Result<fs::path> fetch_blob(const BlobRequest& request, Fetcher& fetcher,
                                     const Cache& cache, const ProgressCallback& progress) {
  auto paths = fetch_blobs(std::span(&request, 1), fetcher, cache, progress);
  if (!paths) {
    return std::unexpected(paths.error());
  }
  return paths->front();
}

support::Result<std::optional<fs::path>> fetch_blob_if_present(const BlobRequest& request,
                                                              Fetcher& fetcher, const Cache& cache,
                                                              const ProgressCallback& progress) {
  std::size_t missing = 0;
  auto errors = fetch_missing(std::span(&request, 1), fetcher, cache, progress, missing);
  if (!errors) {
    return std::unexpected(errors.error());
  }
  if (errors->empty()) {
    return std::optional<fs::path>(cache.blob_path(request.sha256));
  }
  if (errors->front().not_found) {
    return std::optional<fs::path>();
  }
  return std::unexpected(support::Error{errors->front().message, std::nullopt});
}

FetchedBytes fetch_bytes(const std::string& url, Fetcher& fetcher, const Cache& cache) {
  FetchedBytes out;
  out.result.url = url;
  if (cache.offline()) {
    out.result.error = support::Error{
        fmt::format("offline mode: cannot download {} (not in the cache)", url), std::nullopt};
    return out;
  }
  auto temp = cache.unique_temp_path("download");
  if (!temp) {
    out.result.error = temp.error();
    return out;
  }
  FetchRequest request{url, *temp, fs::path(temp->string() + ".partial"), std::nullopt,
                       k_max_unverified_size};
  out.result = std::move(fetcher.fetch(std::span(&request, 1)).front());
  if (out.result.ok()) {
    auto data = support::read_file(*temp);
    if (data) {
      out.data = std::move(*data);
    } else {
      out.result.error = data.error();
    }
  }
  ::unlink(temp->c_str());
  ::unlink(request.partial_path.c_str());
  return out;
}

} // namespace distill::backend::fetch
