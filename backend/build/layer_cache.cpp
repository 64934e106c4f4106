#include "backend/build/layer_cache.hpp"

#include "backend/oci/layout.hpp"
#include "support/atomic_file.hpp"
#include "support/sha256.hpp"

#include <sys/stat.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace distill::backend::build {

namespace {

using nlohmann::json;

// The running binary by device, inode, size and modification time: a rebuilt
// distill is a different one, without hashing a file of many megabytes.
std::string binary_identity() {
  struct stat st {};
  if (::stat("/proc/self/exe", &st) != 0) {
    return "unknown";
  }
  return fmt::format("{}:{}:{}:{}.{}", st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

std::filesystem::path record_path(const std::filesystem::path& cache_dir, const std::string& key) {
  return cache_dir / "layer-cache" / (key + ".json");
}

bool blob_present(const std::filesystem::path& layout, const oci::Descriptor& blob) {
  if (!blob.digest.starts_with("sha256:")) {
    return false;
  }
  struct stat st {};
  const auto path = oci::blobs_dir(layout) / "sha256" / blob.digest.substr(7);
  return ::stat(path.c_str(), &st) == 0 && static_cast<std::uint64_t>(st.st_size) == blob.size;
}

std::optional<StepRecord> record_from_json(const json& in) {
  if (!in.is_object() || in.value("version", 0) != 1) {
    return std::nullopt;
  }
  StepRecord record;
  for (const auto& layer : in.value("layers", json::array())) {
    oci::ImageLayer out;
    out.blob.media_type = layer.value("mediaType", "");
    out.blob.digest = layer.value("digest", "");
    out.blob.size = layer.value("size", std::uint64_t{0});
    out.diff_id = layer.value("diff_id", "");
    if (out.blob.digest.empty() || out.diff_id.empty() || out.blob.media_type.empty()) {
      return std::nullopt;
    }
    record.layers.push_back(std::move(out));
  }
  for (const auto& entry : in.value("history", json::array())) {
    record.history.push_back({entry.value("created_by", ""), entry.value("empty_layer", false)});
  }
  for (const auto& note : in.value("notes", json::array())) {
    if (note.is_string()) {
      record.notes.push_back(note.get<std::string>());
    }
  }
  return record;
}

} // namespace

CacheKey::CacheKey(std::string_view kind) { add(kind); }

CacheKey& CacheKey::add(std::string_view part) {
  m_text += fmt::format("{}:", part.size());
  m_text += part;
  m_text += '\n';
  return *this;
}

CacheKey& CacheKey::add(std::int64_t number) { return add(std::to_string(number)); }

CacheKey& CacheKey::add(const std::vector<oci::ImageLayer>& layers) {
  add(static_cast<std::int64_t>(layers.size()));
  for (const auto& layer : layers) {
    add(layer.blob.digest);
  }
  return *this;
}

std::string CacheKey::hex() const {
  return support::sha256_hex("distill-layer-cache-1\n" + binary_identity() + "\n" + m_text);
}

std::optional<StepRecord> find_step_record(const std::filesystem::path& cache_dir, const std::string& key,
                                           const std::filesystem::path& layout) {
  auto text = support::read_file(record_path(cache_dir, key));
  if (!text) {
    return std::nullopt;
  }
  std::optional<StepRecord> record;
  try {
    record = record_from_json(json::parse(*text));
  } catch (const json::exception&) {
    record.reset(); // damaged: made again
  }
  if (!record) {
    return std::nullopt;
  }
  for (const auto& layer : record->layers) {
    if (!blob_present(layout, layer.blob)) {
      return std::nullopt;
    }
  }
  return record;
}

std::optional<std::string> find_derived(const std::filesystem::path& cache_dir, const std::string& key) {
  auto text = support::read_file(cache_dir / "derived" / key);
  if (!text) {
    return std::nullopt;
  }
  return std::move(*text);
}

support::Result<void> store_derived(const std::filesystem::path& cache_dir, const std::string& key,
                                    std::string_view text) {
  std::error_code ec;
  std::filesystem::create_directories(cache_dir / "derived", ec);
  if (ec) {
    return support::fail("cannot create {}: {}", (cache_dir / "derived").string(), ec.message());
  }
  return support::write_file_atomic(cache_dir / "derived" / key, text);
}

support::Result<void> store_step_record(const std::filesystem::path& cache_dir, const std::string& key,
                                        const StepRecord& record) {
  json layers = json::array();
  for (const auto& layer : record.layers) {
    layers.push_back({{"mediaType", layer.blob.media_type},
                      {"digest", layer.blob.digest},
                      {"size", layer.blob.size},
                      {"diff_id", layer.diff_id}});
  }
  json history = json::array();
  for (const auto& entry : record.history) {
    history.push_back({{"created_by", entry.created_by}, {"empty_layer", entry.empty_layer}});
  }
  const json out{{"version", 1}, {"layers", layers}, {"history", history}, {"notes", record.notes}};
  const auto path = record_path(cache_dir, key);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return support::fail("cannot create {}: {}", path.parent_path().string(), ec.message());
  }
  return support::write_file_atomic(path, out.dump() + "\n");
}

} // namespace distill::backend::build
