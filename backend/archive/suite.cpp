#include "backend/archive/suite.hpp"

#include "backend/archive/decompress.hpp"
#include "backend/archive/signed_release.hpp"
#include "backend/fetch/blob_fetch.hpp"
#include "support/sha256.hpp"

#include <fmt/ranges.h>

namespace distill::backend::archive {

namespace {

// Preference order of index variants (rules_distroless, apt).
constexpr std::string_view k_extensions[] = {".xz", ".gz", ".bz2", ""};
// No real Packages file comes near this; it only bounds a hostile one.
constexpr std::uint64_t k_max_index_size = std::uint64_t{4} << 30;

std::string by_hash_path(std::string_view path, std::string_view sha256) {
  const auto slash = path.rfind('/');
  const std::string_view dir = slash == std::string_view::npos ? "" : path.substr(0, slash + 1);
  return fmt::format("{}by-hash/SHA256/{}", dir, sha256);
}

// Fetches one listed variant, verifies and decompresses it; nullopt when the
// mirror does not serve it.
support::Result<std::optional<LoadedIndex>>
fetch_variant(const SourceSpec& source, const ReleaseInfo& release, const std::string& path,
              const std::string& base, fetch::Fetcher& fetcher, const fetch::Cache& cache,
              const LoadOptions& options) {
  const ReleaseEntry& entry = release.files.at(path);
  const std::string url = dists_url(source, path);
  fetch::BlobRequest request{url, entry.sha256, entry.size, {}, url};
  if (release.acquire_by_hash) {
    request.url = dists_url(source, by_hash_path(path, entry.sha256));
    request.fallback_urls = {url};
  }
  auto blob = fetch::fetch_blob_if_present(request, fetcher, cache, options.progress);
  if (!blob) {
    return std::unexpected(blob.error());
  }
  if (!*blob) {
    return std::optional<LoadedIndex>();
  }
  const auto plain = release.files.find(base);
  auto text = decompress_file(**blob, plain != release.files.end() ? plain->second.size
                                                                   : k_max_index_size,
                              url);
  if (!text) {
    return std::unexpected(text.error());
  }
  std::string text_sha256 = support::sha256_hex(*text);
  if (plain != release.files.end()) {
    if (plain->second.sha256 != text_sha256) {
      return support::fail("checksum mismatch for {} (decompressed {}): expected sha256 {} ({} "
                           "bytes), got sha256 {} ({} bytes)",
                           dists_url(source, base), url, plain->second.sha256, plain->second.size,
                           text_sha256, text->size());
    }
    // Verified against the Release: keep it, so the next run skips decompression.
    if (auto stored = cache.insert_bytes(*text); !stored) {
      return std::unexpected(stored.error());
    }
  }
  return std::optional<LoadedIndex>(LoadedIndex{{}, {}, path, url, entry.sha256, entry.size,
                                                std::move(text_sha256), std::move(*text)});
}

// One component/architecture's Packages: the decompressed text from the
// cache when an earlier run stored it under the digest the Release lists,
// else the first listed variant the mirror serves.
support::Result<LoadedIndex> load_index(const SourceSpec& source, const ReleaseInfo& release,
                                        std::string_view release_url, std::string_view component,
                                        std::string_view arch, fetch::Fetcher& fetcher,
                                        const fetch::Cache& cache, const LoadOptions& options) {
  const std::string base = fmt::format("{}/binary-{}/Packages", component, arch);
  std::vector<std::string> variants;
  for (const auto ext : k_extensions) {
    if (release.files.contains(base + std::string(ext))) {
      variants.push_back(base + std::string(ext));
    }
  }
  if (variants.empty()) {
    return support::fail("{} lists no {} (Components: {}; Architectures: {})", release_url, base,
                         fmt::join(release.components, " "), fmt::join(release.architectures, " "));
  }
  const auto plain = release.files.find(base);
  if (plain != release.files.end() && cache.contains(plain->second.sha256, plain->second.size)) {
    if (auto text = cache.read_blob(plain->second.sha256)) {
      const ReleaseEntry& first = release.files.at(variants.front());
      return LoadedIndex{std::string(component), std::string(arch), variants.front(),
                         dists_url(source, variants.front()), first.sha256, first.size,
                         plain->second.sha256, std::move(*text)};
    }
  }
  for (const auto& path : variants) {
    auto index = fetch_variant(source, release, path, base, fetcher, cache, options);
    if (!index) {
      return std::unexpected(index.error());
    }
    if (*index) {
      (*index)->component = std::string(component);
      (*index)->architecture = std::string(arch);
      return std::move(**index);
    }
    // Listed but not served: try the next variant, as apt does.
  }
  return support::fail("{}: the mirror serves none of the {} variants its Release lists", release_url,
                       base);
}

} // namespace

support::Result<std::optional<LoadedSuite>> load_suite(const SourceSpec& source,
                                                       fetch::Fetcher& fetcher,
                                                       const fetch::Cache& cache,
                                                       const LoadOptions& options) {
  auto signed_release =
      fetch_signed_release(source, fetcher, cache, options.pinned_release_sha256, options.gpgv);
  if (!signed_release) {
    return std::unexpected(signed_release.error());
  }
  if (!*signed_release) {
    if (source.optional) {
      return std::optional<LoadedSuite>();
    }
    return support::fail("{} has no suite {} (neither InRelease nor Release exists; from {})",
                         source.uri, source.suite, source.origin);
  }
  SignedRelease& signed_file = **signed_release;
  auto release = parse_release(signed_file.verified.text, signed_file.url);
  if (!release) {
    return std::unexpected(release.error());
  }
  const std::time_t now = options.now.value_or(std::time(nullptr));
  if (auto fresh = check_release(*release, source.suite, now, source.check_valid_until,
                                 signed_file.url);
      !fresh) {
    return std::unexpected(fresh.error());
  }
  LoadedSuite suite{source, signed_file.url, signed_file.sha256,
                    signed_file.verified.fingerprints, std::move(*release), {}};
  for (const auto& component : source.components) {
    for (const auto& arch : source.architectures) {
      auto index = load_index(source, suite.release, suite.release_url, component, arch, fetcher, cache, options);
      if (!index) {
        return std::unexpected(index.error());
      }
      suite.indexes.push_back(std::move(*index));
    }
  }
  return std::optional<LoadedSuite>(std::move(suite));
}

support::Result<std::vector<LoadedSuite>> load_suites(std::span<const SourceSpec> sources,
                                                      fetch::Fetcher& fetcher,
                                                      const fetch::Cache& cache,
                                                      const LoadOptions& options) {
  std::vector<LoadedSuite> suites;
  for (const auto& source : sources) {
    auto suite = load_suite(source, fetcher, cache, options);
    if (!suite) {
      return std::unexpected(suite.error());
    }
    if (*suite) {
      suites.push_back(std::move(**suite));
    }
  }
  return suites;
}

support::Result<void> add_to_index(const LoadedSuite& suite, planner::debian::PackageIndex& index) {
  for (const auto& loaded : suite.indexes) {
    planner::debian::IndexOrigin origin;
    origin.file = fmt::format("{}/{}", suite.source.suite, loaded.path);
    origin.suite = suite.release.suite;
    origin.codename = suite.release.codename;
    origin.component = loaded.component;
    origin.archive_uri = suite.source.uri;
    origin.pin_priority = suite.release.pin_priority();
    if (auto added = index.add(loaded.text, std::move(origin)); !added) {
      return std::unexpected(added.error().context(loaded.url));
    }
  }
  return {};
}

} // namespace distill::backend::archive
