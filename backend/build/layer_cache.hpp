#pragma once

// The cache of what build steps made: a step whose key (everything that
// decides its layers: the layers below it by digest, the step as planned, the
// content it reads, the distill binary itself) matches a record is not done
// again; its layers are taken from the store by digest. Records live in
// <cache>/layer-cache/<key>.json, written atomically; one whose blobs are
// gone from the store is a miss.

#include "backend/oci/image_config.hpp"
#include "backend/oci/image_writer.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::build {

struct CachedHistory {
  std::string created_by;
  bool empty_layer = false;
};

// What one step added to its stage.
struct StepRecord {
  std::vector<oci::ImageLayer> layers;
  std::vector<CachedHistory> history;
  std::vector<std::string> notes; // "pkg: what its maintainer script does that is not modelled"
};

// Builds a key from parts; each part is length-prefixed so that no two lists
// of parts give the same text.
class CacheKey {
public:
  explicit CacheKey(std::string_view kind);
  CacheKey& add(std::string_view part);
  CacheKey& add(std::int64_t number);
  CacheKey& add(const std::vector<oci::ImageLayer>& layers); // their digests, in order
  // The hex key; covers the running distill binary too, so that a changed
  // build of distill never reuses what an older one made.
  std::string hex() const;

private:
  std::string m_text;
};

// The record for `key` when every blob it names is in `layout` with its size.
std::optional<StepRecord> find_step_record(const std::filesystem::path& cache_dir, const std::string& key,
                                           const std::filesystem::path& layout);

// Keeps `record` under `key` (replacing an older one).
support::Result<void> store_step_record(const std::filesystem::path& cache_dir, const std::string& key,
                                        const StepRecord& record);

// Small files derived from a built image (its SBOM), kept under
// <cache>/derived/<key>: the text, or nothing when absent.
std::optional<std::string> find_derived(const std::filesystem::path& cache_dir, const std::string& key);
support::Result<void> store_derived(const std::filesystem::path& cache_dir, const std::string& key,
                                    std::string_view text);

} // namespace distill::backend::build
