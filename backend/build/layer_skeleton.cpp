#include "backend/build/layer_skeleton.hpp"

#include "support/atomic_file.hpp"

#include <nlohmann/json.hpp>

namespace distill::backend::build {

namespace {

using nlohmann::json;

// --chown names are looked up in these; nothing else of a file's content matters.
bool keeps_content(std::string_view path) { return path == "/etc/passwd" || path == "/etc/group"; }

std::filesystem::path skeleton_path(const std::filesystem::path& cache_dir, const std::string& digest) {
  return cache_dir / "layer-skeleton" / (digest.substr(digest.find(':') + 1) + ".cbor");
}

} // namespace

void store_skeleton(const std::filesystem::path& cache_dir, const std::string& digest, const fs::Tree& layer) {
  const auto path = skeleton_path(cache_dir, digest);
  std::error_code ec;
  if (cache_dir.empty() || std::filesystem::exists(path, ec)) {
    return;
  }
  json entries = json::array();
  for (const auto& [name, entry] : layer.entries()) {
    json row = {name,      static_cast<int>(entry.type), entry.mode, entry.uid, entry.gid, entry.link_target,
                entry.opaque, entry.implicit,           ""};
    if (entry.type == fs::EntryType::regular && keeps_content(name)) {
      auto bytes = fs::read_content(entry.content);
      if (!bytes) {
        return;
      }
      row[8] = json::binary_t(std::vector<std::uint8_t>(bytes->begin(), bytes->end()));
    }
    entries.push_back(std::move(row));
  }
  const std::vector<std::uint8_t> bytes = json::to_cbor(json{{"version", 1}, {"entries", entries}});
  std::filesystem::create_directories(path.parent_path(), ec);
  (void)support::write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::optional<fs::Tree> load_skeleton(const std::filesystem::path& cache_dir, const std::string& digest) {
  if (cache_dir.empty()) {
    return std::nullopt;
  }
  auto text = support::read_file(skeleton_path(cache_dir, digest));
  if (!text) {
    return std::nullopt;
  }
  try {
    const json in = json::from_cbor(*text);
    if (in.value("version", 0) != 1) {
      return std::nullopt;
    }
    fs::Tree tree;
    // Hard links go in last: their target may sort after them.
    for (const bool links : {false, true}) {
      for (const auto& row : in.at("entries")) {
        fs::Entry entry;
        const int type = row.at(1).get<int>();
        if (type < 0 || type > static_cast<int>(fs::EntryType::whiteout)) {
          return std::nullopt;
        }
        entry.type = static_cast<fs::EntryType>(type);
        if ((entry.type == fs::EntryType::hardlink) != links) {
          continue;
        }
        entry.mode = row.at(2).get<std::uint32_t>();
        entry.uid = row.at(3).get<std::uint32_t>();
        entry.gid = row.at(4).get<std::uint32_t>();
        entry.link_target = row.at(5).get<std::string>();
        entry.opaque = row.at(6).get<bool>();
        entry.implicit = row.at(7).get<bool>();
        if (row.at(8).is_binary()) {
          const auto& bytes = row.at(8).get_binary();
          entry.content = fs::Content::from_bytes(std::string(bytes.begin(), bytes.end()));
        }
        if (!tree.add(row.at(0).get<std::string>(), std::move(entry))) {
          return std::nullopt;
        }
      }
    }
    return tree;
  } catch (const json::exception&) {
    return std::nullopt; // damaged: the layer is read from the store instead
  }
}

} // namespace distill::backend::build
