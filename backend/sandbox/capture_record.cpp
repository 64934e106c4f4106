#include "backend/sandbox/capture_record.hpp"

#include "support/atomic_file.hpp"

#include <nlohmann/json.hpp>

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

namespace {

std::string to_hex(const std::string& bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char c : bytes) {
    out += k_digits[c >> 4];
    out += k_digits[c & 15];
  }
  return out;
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

} // namespace

Result<void> write_manifest(const std::filesystem::path& dir,
                            const std::vector<CaptureRecord>& records) {
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& r : records) {
    nlohmann::json xattrs = nlohmann::json::object();
    for (const auto& [name, value] : r.xattrs) {
      xattrs[name] = to_hex(value);
    }
    entries.push_back({{"path", r.path}, {"type", r.type}, {"mode", r.mode}, {"uid", r.uid},
                       {"gid", r.gid}, {"mtime", r.mtime}, {"size", r.size}, {"blob", r.blob},
                       {"link", r.link}, {"opaque", r.opaque}, {"major", r.dev_major},
                       {"minor", r.dev_minor}, {"xattrs", xattrs}});
  }
  const nlohmann::json doc = {{"version", 1}, {"entries", entries}};
  return support::write_file_atomic(dir / "manifest.json", doc.dump(1), 0644);
}

Result<std::vector<CaptureRecord>> read_manifest(const std::filesystem::path& dir) {
  auto text = support::read_file(dir / "manifest.json");
  if (!text) {
    return std::unexpected(text.error());
  }
  try {
    const auto doc = nlohmann::json::parse(*text);
    if (doc.at("version").get<int>() != 1) {
      return fail("{}: unknown capture manifest version", (dir / "manifest.json").string());
    }
    std::vector<CaptureRecord> records;
    for (const auto& e : doc.at("entries")) {
      CaptureRecord r;
      r.path = e.at("path").get<std::string>();
      r.type = e.at("type").get<std::string>();
      r.mode = e.at("mode").get<std::uint32_t>();
      r.uid = e.at("uid").get<std::uint32_t>();
      r.gid = e.at("gid").get<std::uint32_t>();
      r.mtime = e.at("mtime").get<std::int64_t>();
      r.size = e.at("size").get<std::uint64_t>();
      r.blob = e.at("blob").get<std::string>();
      r.link = e.at("link").get<std::string>();
      r.opaque = e.at("opaque").get<bool>();
      r.dev_major = e.at("major").get<std::uint32_t>();
      r.dev_minor = e.at("minor").get<std::uint32_t>();
      for (const auto& [name, value] : e.at("xattrs").items()) {
        r.xattrs[name] = from_hex(value.get<std::string>());
      }
      records.push_back(std::move(r));
    }
    return records;
  } catch (const std::exception& error) {
    return fail("{}: malformed capture manifest: {}", (dir / "manifest.json").string(), error.what());
  }
}

} // namespace distill::backend::sandbox
