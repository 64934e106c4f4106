#include "backend/build/image_merge.hpp"

#include "backend/deb/generators/context.hpp"

#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace distill::backend::build {

namespace {

// Files whose entries are per package: the image's and the new ones are merged.
const std::set<std::string, std::less<>> k_merged{"/var/lib/dpkg/status", "/var/lib/apt/extended_states"};

// Files whose image version wins although new packages may want to add to
// them (system users, CA certificates): said so in the build's notes.
const std::set<std::string, std::less<>> k_noted{"/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow",
                                                 "/etc/ssl/certs/ca-certificates.crt"};

std::string field(std::string_view stanza, std::string_view name) {
  std::size_t at = 0;
  while (at < stanza.size()) {
    const auto end = std::min(stanza.find('\n', at), stanza.size());
    const auto line = stanza.substr(at, end - at);
    if (line.size() > name.size() && line.starts_with(name) && line[name.size()] == ':') {
      auto value = line.substr(name.size() + 1);
      while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
      }
      return std::string(value);
    }
    at = end + 1;
  }
  return {};
}

void add_stanzas(std::string_view text, std::map<std::pair<std::string, std::string>, std::string>& out) {
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find("\n\n", at);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    auto stanza = text.substr(at, end - at);
    while (!stanza.empty() && stanza.front() == '\n') {
      stanza.remove_prefix(1);
    }
    while (!stanza.empty() && stanza.back() == '\n') {
      stanza.remove_suffix(1);
    }
    if (!stanza.empty()) {
      out[{field(stanza, "Package"), field(stanza, "Architecture")}] = std::string(stanza);
    }
    at = end + 2;
  }
}

} // namespace

std::string merge_stanzas(std::string_view base, std::string_view added) {
  std::map<std::pair<std::string, std::string>, std::string> stanzas;
  add_stanzas(base, stanzas);
  add_stanzas(added, stanzas);
  std::string out;
  for (const auto& [key, stanza] : stanzas) {
    out += stanza;
    out += "\n\n";
  }
  return out;
}

support::Result<void> fit_generated_to_image(fs::Tree& generated, const fs::Tree& image, std::int64_t epoch,
                                             std::vector<std::string>& notes) {
  std::vector<std::string> kept_by_image;
  std::vector<std::pair<std::string, std::string>> merged;
  for (const auto& [path, entry] : generated.entries()) {
    if (entry.is_dir() || entry.type == fs::EntryType::whiteout) {
      continue;
    }
    auto resolved = image.resolve(path, false);
    if (!resolved || !image.contains(*resolved)) {
      continue; // new to the image: the generated file stands
    }
    if (entry.type != fs::EntryType::regular) {
      kept_by_image.push_back(path);
      continue;
    }
    auto ours = fs::read_content(entry.content);
    if (!ours) {
      return std::unexpected(ours.error().context(path));
    }
    const std::string theirs = deb::generators::read_image_file(image, path);
    if (k_merged.contains(path)) {
      merged.emplace_back(path, merge_stanzas(theirs, *ours));
      continue;
    }
    if (k_noted.contains(path) && theirs != *ours) {
      notes.push_back(fmt::format("{}: kept the pulled image's file; what the new packages' scripts add to it is "
                                  "not merged",
                                  path));
    }
    kept_by_image.push_back(path);
  }
  for (const auto& path : kept_by_image) {
    generated.remove(path);
  }
  for (auto& [path, text] : merged) {
    const fs::Entry* old = generated.find(path);
    const std::uint32_t mode = old != nullptr ? old->mode : 0644;
    generated.remove(path);
    if (auto put = deb::generators::put(generated, path, deb::generators::generated_file(std::move(text), mode, epoch));
        !put) {
      return put;
    }
  }
  return {};
}

} // namespace distill::backend::build
