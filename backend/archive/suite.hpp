#pragma once

// The trust chain for one suite, apt's way: InRelease checked by gpgv, then
// each Packages index by the SHA256 the verified InRelease lists. Nothing
// unverified is returned or cached.

#include "backend/archive/gpgv.hpp"
#include "backend/archive/release.hpp"
#include "backend/archive/sources.hpp"
#include "backend/fetch/cache.hpp"
#include "backend/fetch/fetcher.hpp"
#include "planner/debian/package_index.hpp"

#include <ctime>
#include <optional>
#include <span>

namespace distill::backend::archive {

// One verified Packages index.
struct LoadedIndex {
  std::string component;    // "main"
  std::string architecture; // "amd64"
  std::string path;         // as the Release lists it: "main/binary-amd64/Packages.xz"
  std::string url;          // <uri>/dists/<suite>/<path> (by-hash may have served it)
  std::string sha256;       // of the file fetched, as the Release lists it
  std::uint64_t size = 0;
  std::string text_sha256;  // of the decompressed text
  std::string text;         // the Packages text
};

struct LoadedSuite {
  SourceSpec source;
  std::string release_url;    // the InRelease (or Release) URL
  std::string release_sha256; // of the signed file's bytes (its cache key)
  std::vector<std::string> signed_by; // fingerprints of the good signatures
  ReleaseInfo release;
  std::vector<LoadedIndex> indexes; // per component, then architecture
};

struct LoadOptions {
  std::optional<std::time_t> now; // for Valid-Until; default: the clock
  // From a lockfile: the signed Release must be exactly this blob (taken from
  // the cache when present, so a locked build needs no index download).
  std::optional<std::string> pinned_release_sha256;
  GpgvOptions gpgv;
  fetch::ProgressCallback progress;
};

// Loads and verifies one suite. Fails naming the file with the expected and
// actual values (bad signature, checksum mismatch, expired Release, suite
// mismatch); in offline mode, when anything needed is not cached. An
// optional suite whose Release does not exist yields nullopt.
support::Result<std::optional<LoadedSuite>> load_suite(const SourceSpec& source,
                                                       fetch::Fetcher& fetcher,
                                                       const fetch::Cache& cache,
                                                       const LoadOptions& options = {});

// Every suite of `sources` (find_sources' result), skipping optional ones
// that do not exist; stops at the first failure.
support::Result<std::vector<LoadedSuite>> load_suites(std::span<const SourceSpec> sources,
                                                      fetch::Fetcher& fetcher,
                                                      const fetch::Cache& cache,
                                                      const LoadOptions& options = {});

// Adds every index of `suite` to `index` with its origin (suite, codename,
// component, archive URI, apt's pin priority). Copies the texts.
support::Result<void> add_to_index(const LoadedSuite& suite, planner::debian::PackageIndex& index);

} // namespace distill::backend::archive
