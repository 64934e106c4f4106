#include "backend/archive/signed_release.hpp"

#include "backend/fetch/blob_fetch.hpp"
#include "backend/fetch/url_store.hpp"
#include "support/sha256.hpp"

namespace distill::backend::archive {

namespace {

// The bytes of a signed Release, and its detached signature if it has one.
struct Obtained {
  std::string url;
  std::string bytes;
  std::optional<std::string> signature;
};

bool is_clearsigned(std::string_view bytes) {
  const auto start = bytes.find_first_not_of(" \t\r\n");
  return start != std::string_view::npos &&
         bytes.substr(start).starts_with("-----BEGIN PGP SIGNED MESSAGE-----");
}

support::Result<std::string> cached_by_url(const fetch::Cache& cache, const std::string& url) {
  const auto record = fetch::lookup_url(cache, url);
  if (!record) {
    return support::fail("no cached copy of {}", url);
  }
  return cache.read_blob(record->sha256);
}

// From the cache only: by digest (pinned) or by the URL's last record (offline).
support::Result<Obtained> from_cache(const SourceSpec& source, const fetch::Cache& cache,
                                     const std::optional<std::string>& pinned) {
  const std::string inrelease = dists_url(source, "InRelease");
  const std::string release = dists_url(source, "Release");
  std::string bytes;
  if (pinned) {
    auto read = cache.read_blob(*pinned);
    if (!read) {
      return std::unexpected(read.error());
    }
    bytes = std::move(*read);
  } else if (auto in = cached_by_url(cache, inrelease)) {
    bytes = std::move(*in);
  } else if (auto plain = cached_by_url(cache, release)) {
    bytes = std::move(*plain);
  } else {
    return support::fail("offline mode: no cached InRelease for {} (run once without --offline)",
                         inrelease);
  }
  if (is_clearsigned(bytes)) {
    return Obtained{inrelease, std::move(bytes), std::nullopt};
  }
  auto signature = cached_by_url(cache, dists_url(source, "Release.gpg"));
  if (!signature) {
    return std::unexpected(signature.error());
  }
  return Obtained{release, std::move(bytes), std::move(*signature)};
}

// From the mirror: InRelease, else Release + Release.gpg; nullopt when neither exists.
support::Result<std::optional<Obtained>> from_mirror(const SourceSpec& source,
                                                     fetch::Fetcher& fetcher,
                                                     const fetch::Cache& cache) {
  const std::string inrelease = dists_url(source, "InRelease");
  auto in = fetch::fetch_bytes(inrelease, fetcher, cache);
  if (in.result.ok()) {
    return Obtained{inrelease, std::move(in.data), std::nullopt};
  }
  if (!in.result.not_found()) {
    return std::unexpected(*in.result.error);
  }
  const std::string release = dists_url(source, "Release");
  auto plain = fetch::fetch_bytes(release, fetcher, cache);
  if (!plain.result.ok()) {
    if (plain.result.not_found()) {
      return std::optional<Obtained>();
    }
    return std::unexpected(*plain.result.error);
  }
  const std::string gpg = dists_url(source, "Release.gpg");
  auto signature = fetch::fetch_bytes(gpg, fetcher, cache);
  if (!signature.result.ok()) {
    if (signature.result.not_found()) {
      return support::fail("{} is not signed (no InRelease, no Release.gpg); distill does not use "
                           "unsigned archives",
                           release);
    }
    return std::unexpected(*signature.result.error);
  }
  return Obtained{release, std::move(plain.data), std::move(signature.data)};
}

support::Result<void> store(const fetch::Cache& cache, const std::string& url, std::string_view bytes) {
  auto sha = cache.insert_bytes(bytes);
  if (!sha) {
    return std::unexpected(sha.error());
  }
  return fetch::remember_url(cache, fetch::UrlRecord{url, *sha, bytes.size()});
}

} // namespace

std::string dists_url(const SourceSpec& source, std::string_view relative) {
  return fmt::format("{}/dists/{}/{}", source.uri, source.suite, relative);
}

support::Result<std::optional<SignedRelease>>
fetch_signed_release(const SourceSpec& source, fetch::Fetcher& fetcher, const fetch::Cache& cache,
                     const std::optional<std::string>& pinned_sha256, const GpgvOptions& gpgv) {
  Obtained obtained;
  if ((pinned_sha256 && cache.contains(*pinned_sha256)) || cache.offline()) {
    auto cached = from_cache(source, cache, pinned_sha256);
    if (!cached) {
      return std::unexpected(cached.error());
    }
    obtained = std::move(*cached);
  } else {
    auto fetched = from_mirror(source, fetcher, cache);
    if (!fetched) {
      return std::unexpected(fetched.error());
    }
    if (!*fetched) {
      return std::optional<SignedRelease>();
    }
    obtained = std::move(**fetched);
  }
  auto verified = obtained.signature
                      ? verify_detached(obtained.bytes, *obtained.signature, source.keyrings,
                                        obtained.url, gpgv)
                      : verify_clearsigned(obtained.bytes, source.keyrings, obtained.url, gpgv);
  if (!verified) {
    return std::unexpected(verified.error());
  }
  std::string sha = support::sha256_hex(obtained.bytes);
  if (pinned_sha256 && sha != *pinned_sha256) {
    return support::fail("{} changed since it was locked: expected sha256 {}, got sha256 {} (update "
                         "the lock, or use a snapshot archive)",
                         obtained.url, *pinned_sha256, sha);
  }
  if (!cache.offline()) {
    if (auto stored = store(cache, obtained.url, obtained.bytes); !stored) {
      return std::unexpected(stored.error());
    }
    if (obtained.signature) {
      if (auto stored = store(cache, dists_url(source, "Release.gpg"), *obtained.signature); !stored) {
        return std::unexpected(stored.error());
      }
    }
  }
  return std::optional<SignedRelease>(
      SignedRelease{std::move(obtained.url), std::move(sha), std::move(*verified)});
}

} // namespace distill::backend::archive
