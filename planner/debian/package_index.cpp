#include "planner/debian/package_index.hpp"

#include "planner/debian/control.hpp"
#include "planner/debian/version.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace distill::planner::debian {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool parse_number(std::string_view text, std::uint64_t& out) {
  if (text.empty()) {
    return true;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

MultiArch parse_multi_arch(std::string_view value) {
  if (iequals(value, "same")) {
    return MultiArch::same;
  }
  if (iequals(value, "foreign")) {
    return MultiArch::foreign;
  }
  if (iequals(value, "allowed")) {
    return MultiArch::allowed;
  }
  return MultiArch::no;
}

// Stores one field in `p` when distill uses it; returns false on a bad number.
bool assign(Package& p, const Field& f) {
  std::string_view n = f.name;
  std::string_view v = f.value;
  switch (lower(n.empty() ? '\0' : n[0])) {
  case 'a':
    if (iequals(n, "Architecture")) p.architecture = v;
    break;
  case 'b':
    if (iequals(n, "Breaks")) p.breaks = v;
    break;
  case 'c':
    if (iequals(n, "Conflicts")) p.conflicts = v;
    break;
  case 'd':
    if (iequals(n, "Depends")) p.depends = v;
    else if (iequals(n, "Description")) p.description = first_line(v);
    break;
  case 'e':
    if (iequals(n, "Essential")) p.essential = iequals(v, "yes");
    else if (iequals(n, "Enhances")) p.enhances = v;
    break;
  case 'f':
    if (iequals(n, "Filename")) p.filename = v;
    break;
  case 'i':
    if (iequals(n, "Installed-Size")) return parse_number(v, p.installed_size);
    if (iequals(n, "Important")) p.important = p.important || iequals(v, "yes");
    break;
  case 'm':
    if (iequals(n, "Multi-Arch")) p.multi_arch = parse_multi_arch(v);
    break;
  case 'p':
    if (iequals(n, "Package")) p.name = v;
    else if (iequals(n, "Pre-Depends")) p.pre_depends = v;
    else if (iequals(n, "Provides")) p.provides = v;
    else if (iequals(n, "Priority")) p.priority = v;
    else if (iequals(n, "Protected")) p.important = p.important || iequals(v, "yes");
    break;
  case 'r':
    if (iequals(n, "Recommends")) p.recommends = v;
    else if (iequals(n, "Replaces")) p.replaces = v;
    break;
  case 's':
    if (iequals(n, "SHA256")) p.sha256 = v;
    else if (iequals(n, "Size")) return parse_number(v, p.size);
    else if (iequals(n, "Section")) p.section = v;
    else if (iequals(n, "Source")) p.source = v;
    else if (iequals(n, "Suggests")) p.suggests = v;
    else if (iequals(n, "Status")) p.status = v;
    break;
  case 'v':
    if (iequals(n, "Version")) p.version = v;
    break;
  default:
    break;
  }
  return true;
}

// The text of the stanza, from its first field to the end of its last value.
std::string_view stanza_text(const Stanza& s, std::string_view buffer) {
  const char* begin = s.fields.front().name.data();
  const char* end = begin;
  const char* buffer_end = buffer.data() + buffer.size();
  for (const Field& f : s.fields) {
    end = std::max(end, f.name.data() + f.name.size());
    const char* v = f.value.data();
    if (v >= buffer.data() && v <= buffer_end) {
      end = std::max(end, v + f.value.size());
    }
  }
  return std::string_view(begin, static_cast<std::size_t>(end - begin));
}

support::Result<Package> make_package(const Stanza& s, std::string_view buffer) {
  Package p;
  for (const Field& f : s.fields) {
    if (!assign(p, f)) {
      return support::fail("line {}: bad number in field {}: '{}'", f.line, f.name, f.value);
    }
  }
  if (p.name.empty()) {
    return support::fail("line {}: stanza without a Package field", s.line);
  }
  if (p.version.empty()) {
    return support::fail("line {}: package {} has no Version", s.line, p.name);
  }
  if (auto v = parse_version(p.version); !v) {
    return support::fail("line {}: package {}: {}", s.line, p.name, v.error().message);
  }
  if (p.architecture.empty()) {
    return support::fail("line {}: package {} has no Architecture", s.line, p.name);
  }
  // "Source: name (version)" when the source version differs.
  std::string_view source = p.source;
  p.source_version = p.version;
  if (std::size_t paren = source.find('('); paren != std::string_view::npos) {
    std::size_t close = source.find(')', paren);
    if (close == std::string_view::npos) {
      return support::fail("line {}: package {}: bad Source field '{}'", s.line, p.name, source);
    }
    p.source_version = source.substr(paren + 1, close - paren - 1);
    source = source.substr(0, paren);
    while (!source.empty() && source.back() == ' ') {
      source.remove_suffix(1);
    }
  }
  p.source = source.empty() ? p.name : source;
  p.stanza = stanza_text(s, buffer);
  p.line = s.line;
  return p;
}

} // namespace

std::string_view to_string(MultiArch multi_arch) {
  switch (multi_arch) {
  case MultiArch::no:
    return "no";
  case MultiArch::same:
    return "same";
  case MultiArch::foreign:
    return "foreign";
  case MultiArch::allowed:
    return "allowed";
  }
  return "no";
}

support::Result<void> PackageIndex::add(std::string text, IndexOrigin origin, const AddOptions& options) {
  {
    std::lock_guard lock(*m_rank_mutex);
    m_ranks.reset();
  }
  auto owned = std::make_unique<std::string>(std::move(text));
  std::string_view buffer = *owned;
  const OriginId origin_id = static_cast<OriginId>(m_origins.size());
  const std::size_t first_new = m_packages.size();
  // Stanzas average ~800 bytes in Debian's indexes; reserving avoids
  // relocating a growing vector of large structs.
  m_packages.reserve(first_new + buffer.size() / 600 + 16);
  auto rollback = [&](support::Error error) -> support::Result<void> {
    m_packages.resize(first_new);
    return std::unexpected(std::move(error));
  };
  auto parsed = for_each_stanza(buffer, [&](const Stanza& s) -> support::Result<void> {
    if (options.keep && !options.keep(s)) {
      return {};
    }
    auto p = make_package(s, buffer);
    if (!p) {
      return std::unexpected(p.error());
    }
    p->origin = origin_id;
    m_packages.push_back(*p);
    return {};
  });
  if (!parsed) {
    return rollback(parsed.error().context(origin.file));
  }
  // Parse every Provides before indexing anything, so a failure leaves the
  // index as it was.
  std::vector<std::pair<PackageId, RelationList>> provides;
  for (std::size_t i = first_new; i < m_packages.size(); ++i) {
    const Package& p = m_packages[i];
    if (p.provides.empty()) {
      continue;
    }
    auto list = parse_relations(p.provides);
    if (!list) {
      return rollback(support::Error{
          fmt::format("{}: line {}: package {}: Provides: {}", origin.file, p.line, p.name, list.error().message),
          std::nullopt});
    }
    provides.emplace_back(static_cast<PackageId>(i), std::move(*list));
  }

  m_origins.push_back(std::move(origin));
  m_texts.push_back(std::move(owned));
  if (m_by_name.empty()) {
    m_by_name.reserve(m_packages.size());
  }
  // Index the new versions; a version already known (same name, version and
  // architecture) only gains this origin and its new copy is dropped.
  constexpr PackageId k_dropped = ~PackageId{0};
  std::vector<PackageId> remap(m_packages.size() - first_new, k_dropped);
  std::size_t next = first_new;
  bool sort_needed = false;
  for (std::size_t i = first_new; i < m_packages.size(); ++i) {
    const Package& p = m_packages[i];
    std::vector<PackageId>& ids = m_by_name[p.name];
    auto same = std::find_if(ids.begin(), ids.end(), [&](PackageId id) {
      return m_packages[id].architecture == p.architecture && m_packages[id].version == p.version;
    });
    if (same != ids.end()) {
      if (*same < first_new) {
        m_extra_origins[*same].push_back(origin_id);
      }
      continue;
    }
    const PackageId id = static_cast<PackageId>(next++);
    if (id != i) {
      m_packages[id] = p;
    }
    remap[i - first_new] = id;
    ids.push_back(id);
    sort_needed = sort_needed || ids.size() > 1;
  }
  m_packages.resize(next);
  for (const auto& [old_id, list] : provides) {
    PackageId id = remap[old_id - first_new];
    if (id == k_dropped) {
      continue; // a duplicate: its provides are already indexed
    }
    for (const Alternatives& alternatives : list) {
      for (const Relation& rel : alternatives) {
        m_providers[rel.name].push_back(Provider{id, rel.version, rel.arch_qualifier});
      }
    }
  }
  if (sort_needed) {
    for (auto& [name, ids] : m_by_name) {
      if (ids.size() < 2) {
        continue;
      }
      std::stable_sort(ids.begin(), ids.end(), [&](PackageId a, PackageId b) {
        int c = compare_versions(m_packages[a].version, m_packages[b].version);
        if (c != 0) {
          return c > 0;
        }
        return m_packages[a].architecture < m_packages[b].architecture;
      });
    }
  }
  return {};
}

std::span<const PackageId> PackageIndex::versions_of(std::string_view name) const {
  auto it = m_by_name.find(name);
  if (it == m_by_name.end()) {
    return {};
  }
  return it->second;
}

std::span<const Provider> PackageIndex::providers_of(std::string_view name) const {
  auto it = m_providers.find(name);
  if (it == m_providers.end()) {
    return {};
  }
  return it->second;
}

std::vector<OriginId> PackageIndex::origins_of(PackageId id) const {
  std::vector<OriginId> out{m_packages[id].origin};
  if (auto it = m_extra_origins.find(id); it != m_extra_origins.end()) {
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

int PackageIndex::pin_priority(PackageId id) const {
  int best = m_origins[m_packages[id].origin].pin_priority;
  for (OriginId origin : origins_of(id)) {
    best = std::max(best, m_origins[origin].pin_priority);
  }
  return best;
}

std::vector<std::string_view> PackageIndex::names() const {
  std::vector<std::string_view> out;
  out.reserve(m_by_name.size());
  for (const auto& [name, ids] : m_by_name) {
    out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

constexpr bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '-' || c == '.' || c == '_';
}

// Calls `mention` for every unqualified package name of a relation field,
// in order, without building relation structures (fast enough for a scan of
// the whole index). A "name:arch" target is a different apt package.
template <typename F>
void scan_names(std::string_view text, F&& mention) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    while (i < n && !is_name_char(text[i])) {
      ++i;
    }
    std::size_t start = i;
    while (i < n && is_name_char(text[i])) {
      ++i;
    }
    if (i > start && (i >= n || text[i] != ':')) {
      mention(text.substr(start, i - start));
    }
    while (i < n && text[i] != ',' && text[i] != '|') {
      ++i; // the rest of this relation: version, arch list, profiles
    }
  }
}

} // namespace

std::uint32_t PackageIndex::mention_rank(std::string_view name) const {
  std::lock_guard lock(*m_rank_mutex);
  if (!m_ranks) {
    auto ranks = std::make_unique<std::unordered_map<std::string_view, std::uint32_t>>();
    ranks->reserve(m_by_name.size() + m_providers.size() + 1024);
    auto mention = [&](std::string_view n) { ranks->emplace(n, static_cast<std::uint32_t>(ranks->size())); };
    // apt parses a stanza's fields in this order.
    for (const Package& p : m_packages) {
      mention(p.name);
      for (std::string_view field : {p.pre_depends, p.depends, p.conflicts, p.breaks, p.recommends, p.suggests,
                                     p.replaces, p.enhances, p.provides}) {
        scan_names(field, mention);
      }
    }
    m_ranks = std::move(ranks);
  }
  auto it = m_ranks->find(name);
  return it == m_ranks->end() ? UINT32_MAX : it->second;
}

std::string PackageIndex::describe(PackageId id) const {
  const Package& p = m_packages[id];
  return std::string(p.name) + " " + std::string(p.version) + " " + std::string(p.architecture);
}

} // namespace distill::planner::debian
