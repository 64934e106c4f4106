#include "backend/fetch/url_store.hpp"

#include "support/atomic_file.hpp"
#include "support/sha256.hpp"

#include <nlohmann/json.hpp>

namespace distill::backend::fetch {

namespace {

std::filesystem::path record_path(const Cache& cache, std::string_view url) {
  return cache.root() / "urls" / (support::sha256_hex(url) + ".json");
}

} // namespace

support::Result<void> remember_url(const Cache& cache, const UrlRecord& record) {
  const nlohmann::ordered_json json = {
      {"url", record.url}, {"sha256", record.sha256}, {"size", record.size}};
  return support::write_file_atomic(record_path(cache, record.url), json.dump(2) + "\n");
}

std::optional<UrlRecord> lookup_url(const Cache& cache, std::string_view url) {
  auto text = support::read_file(record_path(cache, url));
  if (!text) {
    return std::nullopt;
  }
  try {
    const auto json = nlohmann::json::parse(*text);
    UrlRecord record{json.at("url").get<std::string>(), json.at("sha256").get<std::string>(),
                     json.at("size").get<std::uint64_t>()};
    // A hash collision of two URLs' names is not a risk worth a lookup miss,
    // but a record for another URL must never be used.
    if (record.url != url || !is_sha256_hex(record.sha256)) {
      return std::nullopt;
    }
    return record;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

} // namespace distill::backend::fetch
