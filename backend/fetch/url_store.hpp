#pragma once

// Remembers which blob a URL served last ("<mirror>/dists/bookworm/InRelease"
// -> sha256), so an offline run can find the signed index it used before.
// One small JSON file per URL under <cache>/urls/, written atomically.

#include "backend/fetch/cache.hpp"

#include <optional>

namespace distill::backend::fetch {

struct UrlRecord {
  std::string url;
  std::string sha256;
  std::uint64_t size = 0;
};

// Records that `url` last served the blob `sha256` of `size` bytes.
support::Result<void> remember_url(const Cache& cache, const UrlRecord& record);

// The last record for `url`, or nullopt when none exists or it is unreadable
// (a damaged record is treated as absent; the blob itself is verified anyway).
std::optional<UrlRecord> lookup_url(const Cache& cache, std::string_view url);

} // namespace distill::backend::fetch
