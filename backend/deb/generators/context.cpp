#include "backend/deb/generators/context.hpp"

#include <algorithm>

namespace distill::backend::deb::generators {

const Installed* Context::find(std::string_view name) const {
  const auto it = std::lower_bound(packages.begin(), packages.end(), name,
                                   [](const Installed& p, std::string_view n) { return p.name < n; });
  return it != packages.end() && it->name == name ? &*it : nullptr;
}

std::string read_image_file(const fs::Tree& tree, std::string_view path) {
  auto resolved = tree.resolve(path);
  if (!resolved) {
    return {};
  }
  const fs::Entry* source = tree.link_source(*resolved);
  if (source == nullptr) {
    return {};
  }
  auto bytes = fs::read_content(source->content);
  return bytes ? std::move(*bytes) : std::string();
}

fs::Entry generated_file(std::string content, std::uint32_t mode, std::int64_t mtime,
                         std::uint32_t uid, std::uint32_t gid) {
  fs::Entry entry = fs::make_file(fs::Content::from_bytes(std::move(content)), mode, mtime);
  entry.uid = uid;
  entry.gid = gid;
  return entry;
}

support::Result<void> put(fs::Tree& out, std::string_view path, fs::Entry entry) {
  if (auto added = out.add(path, std::move(entry)); !added) {
    return std::unexpected(added.error().context(std::string(path)));
  }
  return {};
}

} // namespace distill::backend::deb::generators
