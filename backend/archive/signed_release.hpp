#pragma once

// Getting a suite's signed Release: InRelease, else Release + Release.gpg;
// from the cache when pinned or offline; verified by gpgv every time it is
// used, and cached only after it verified.

#include "backend/archive/gpgv.hpp"
#include "backend/archive/sources.hpp"
#include "backend/fetch/cache.hpp"
#include "backend/fetch/fetcher.hpp"

#include <optional>

namespace distill::backend::archive {

struct SignedRelease {
  std::string url;    // the InRelease URL, or the Release URL for a detached signature
  std::string sha256; // of the signed file's bytes
  VerifiedText verified;
};

// <uri>/dists/<suite>/<relative>.
std::string dists_url(const SourceSpec& source, std::string_view relative);

// The verified Release of `source`; nullopt when the suite has neither
// InRelease nor Release. With `pinned_sha256`, the signed file must be that
// blob. Fails on a bad or missing signature, and offline when nothing is cached.
support::Result<std::optional<SignedRelease>>
fetch_signed_release(const SourceSpec& source, fetch::Fetcher& fetcher, const fetch::Cache& cache,
                     const std::optional<std::string>& pinned_sha256, const GpgvOptions& gpgv);

} // namespace distill::backend::archive
