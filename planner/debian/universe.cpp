#include "planner/debian/universe.hpp"

#include "planner/debian/version.hpp"

#include <algorithm>
#include <climits>

#include <fmt/format.h>

namespace distill::planner::debian {
namespace {

constexpr int k_installed_pin = 100; // apt's priority of the dpkg status

} // namespace

std::string_view to_string(DepType type) {
  switch (type) {
  case DepType::pre_depends:
    return "Pre-Depends";
  case DepType::depends:
    return "Depends";
  case DepType::conflicts:
    return "Conflicts";
  case DepType::breaks:
    return "Breaks";
  case DepType::recommends:
    return "Recommends";
  case DepType::suggests:
    return "Suggests";
  }
  return "Depends";
}

bool is_critical(DepType type) {
  return type == DepType::pre_depends || type == DepType::depends || type == DepType::conflicts ||
         type == DepType::breaks;
}

bool is_negative(DepType type) { return type == DepType::conflicts || type == DepType::breaks; }

Universe::Universe(const PackageIndex& available, const PackageIndex* installed, const ResolveOptions& options)
    : m_available(available), m_installed(installed), m_options(options) {
  if (m_installed == nullptr) {
    return;
  }
  for (const Package& p : m_installed->packages()) {
    std::string arch(dep_arch(p));
    if (arch_order(arch) == SIZE_MAX) {
      continue; // an architecture dpkg was not told about
    }
    Key key = make_key(p.name, arch);
    KeyInfo& k = m_keys[key];
    // apt merges the installed version with the index's copy of it.
    auto same = std::find_if(k.versions.begin(), k.versions.end(),
                             [&](const Package* v) { return v->version == p.version; });
    k.current = same != k.versions.end() ? *same : &p;
    m_installed_keys.push_back(key);
  }
  // apt's policy with an installed version: the highest pin wins, the newer
  // version among equal pins, and nothing older than the installed version
  // below pin 1000 (no silent downgrades).
  for (Key key : m_installed_keys) {
    KeyInfo& k = m_keys[key];
    const Package* best = nullptr;
    int best_pin = INT_MIN;
    for (const Package* v : k.versions) {
      int pin = m_available.pin_priority(static_cast<PackageId>(v - m_available.packages().data()));
      if (v != k.current && compare_versions(v->version, k.current->version) < 0 && pin < 1000) {
        break;
      }
      if (v == k.current) {
        pin = std::max(pin, k_installed_pin);
      }
      if (pin > best_pin) {
        best = v;
        best_pin = pin;
      }
    }
    bool in_index = std::find(k.versions.begin(), k.versions.end(), k.current) != k.versions.end();
    if (best == nullptr || (!in_index && k_installed_pin > best_pin)) {
      best = k.current;
    }
    k.policy_candidate = best;
    k.state.candidate = best;
  }
}

std::size_t Universe::arch_order(std::string_view arch) const {
  if (arch == m_options.architecture) {
    return 0;
  }
  for (std::size_t i = 0; i < m_options.foreign_architectures.size(); ++i) {
    if (m_options.foreign_architectures[i] == arch) {
      return i + 1;
    }
  }
  return SIZE_MAX;
}

std::string_view Universe::dep_arch(const Package& version) const {
  if (version.architecture == "all") {
    return m_options.architecture;
  }
  return version.architecture;
}

Key Universe::make_key(std::string_view name, std::string arch) {
  std::string id = std::string(name) + '\0' + arch;
  if (auto it = m_key_by_name_arch.find(id); it != m_key_by_name_arch.end()) {
    return it->second;
  }
  KeyInfo k;
  for (PackageId pid : m_available.versions_of(name)) {
    const Package& v = m_available.package(pid);
    if (dep_arch(v) == arch) {
      k.versions.push_back(&v);
      if (k.name.empty()) {
        k.name = v.name;
      }
    }
  }
  if (k.name.empty()) {
    k.name = name; // only installed: the name view outlives the universe too
  }
  // apt's policy without an installed version: the highest pin, then the
  // highest version.
  int best_pin = INT_MIN;
  for (const Package* v : k.versions) {
    int pin = m_available.pin_priority(static_cast<PackageId>(v - m_available.packages().data()));
    if (pin > best_pin) {
      best_pin = pin;
      k.policy_candidate = v;
    }
  }
  k.state.candidate = k.policy_candidate;
  k.arch = std::move(arch);
  const Key key = static_cast<Key>(m_keys.size());
  m_keys.push_back(std::move(k));
  m_key_by_name_arch.emplace(std::move(id), key);
  return key;
}

std::optional<Key> Universe::find(std::string_view name, std::string_view arch) {
  std::string_view want = arch.empty() ? std::string_view(m_options.architecture) : arch;
  if (want == "all") {
    want = m_options.architecture;
  }
  for (Key key : keys_named(name)) {
    if (m_keys[key].arch == want) {
      return key;
    }
  }
  return std::nullopt;
}

const std::vector<Key>& Universe::keys_named(std::string_view name) {
  if (auto it = m_keys_by_name.find(name); it != m_keys_by_name.end()) {
    return it->second;
  }
  std::vector<Key> keys;
  auto versions = m_available.versions_of(name);
  std::vector<std::string> arches{m_options.architecture};
  arches.insert(arches.end(), m_options.foreign_architectures.begin(), m_options.foreign_architectures.end());
  for (const std::string& arch : arches) {
    bool exists = std::any_of(versions.begin(), versions.end(),
                              [&](PackageId id) { return dep_arch(m_available.package(id)) == arch; });
    exists = exists || m_key_by_name_arch.contains(std::string(name) + '\0' + arch);
    if (exists) {
      keys.push_back(make_key(name, arch));
    }
  }
  // `name` views the index or the caller's request, both outlive us.
  return m_keys_by_name.emplace(name, std::move(keys)).first->second;
}

const std::vector<Key>& Universe::installed_from_source(std::string_view source) {
  if (!m_by_source_done) {
    m_by_source_done = true;
    for (Key key : m_installed_keys) {
      m_installed_by_source[m_keys[key].current->source].push_back(key);
    }
  }
  static const std::vector<Key> k_none;
  auto it = m_installed_by_source.find(source);
  return it == m_installed_by_source.end() ? k_none : it->second;
}

const Package* Universe::install_version(Key key) {
  const KeyInfo& k = m_keys[key];
  return k.state.marked ? k.state.candidate : k.current;
}

Key Universe::key_of(const Package& version) { return make_key(version.name, std::string(dep_arch(version))); }

const std::vector<ProviderEntry>& Universe::providers(std::string_view name) {
  if (auto it = m_providers.find(name); it != m_providers.end()) {
    return it->second;
  }
  std::vector<ProviderEntry> out;
  for (const Provider& p : m_available.providers_of(name)) {
    const Package& v = m_available.package(p.package);
    if (v.name == name || arch_order(dep_arch(v)) == SIZE_MAX) {
      continue;
    }
    out.push_back(ProviderEntry{key_of(v), &v, p.version});
  }
  if (m_installed != nullptr) {
    for (const Provider& p : m_installed->providers_of(name)) {
      const Package& v = m_installed->package(p.package);
      if (v.name == name || arch_order(dep_arch(v)) == SIZE_MAX) {
        continue;
      }
      Key key = key_of(v);
      const Package* canonical = m_keys[key].current;
      bool known = std::any_of(out.begin(), out.end(),
                               [&](const ProviderEntry& e) { return e.version == canonical; });
      if (canonical != nullptr && !known) {
        out.push_back(ProviderEntry{key, canonical, p.version});
      }
    }
  }
  // `name` views the index or the caller's request, both outlive us.
  return m_providers.emplace(name, std::move(out)).first->second;
}

const std::vector<DepGroup>& Universe::deps(const Package* version) {
  auto& slot = m_deps[version];
  if (slot) {
    return slot->second;
  }
  slot = std::make_unique<std::pair<std::vector<RelationList>, std::vector<DepGroup>>>();
  const std::pair<DepType, std::string_view> fields[] = {
      {DepType::pre_depends, version->pre_depends}, {DepType::depends, version->depends},
      {DepType::conflicts, version->conflicts},     {DepType::breaks, version->breaks},
      {DepType::recommends, version->recommends},   {DepType::suggests, version->suggests},
  };
  slot->first.reserve(std::size(fields));
  for (const auto& [type, text] : fields) {
    if (text.empty()) {
      continue;
    }
    auto list = parse_relations(text);
    if (!list) {
      if (!m_error) {
        m_error = support::Error{fmt::format("package {} {}: {}: {}", version->name, version->version,
                                             to_string(type), list.error().message),
                                 std::nullopt};
      }
      continue;
    }
    slot->first.push_back(std::move(*list));
    for (const Alternatives& alternatives : slot->first.back()) {
      slot->second.push_back(DepGroup{type, &alternatives});
    }
  }
  return slot->second;
}

bool Universe::satisfies(const Relation& rel, std::string_view from_arch, Key key, const Package* version) {
  const KeyInfo& k = m_keys[key];
  std::string_view q = rel.arch_qualifier;
  if (q.empty()) {
    if (k.arch != from_arch && version->multi_arch != MultiArch::foreign) {
      return false;
    }
  } else if (q == "any") {
    if (version->multi_arch != MultiArch::allowed) {
      return false;
    }
  } else if (q == "native" || q == "all") {
    if (k.arch != m_options.architecture) {
      return false;
    }
  } else if (k.arch != q) {
    return false;
  }
  return version_satisfies(version->version, rel.op, rel.version);
}

bool Universe::provides(const Relation& rel, std::string_view from_arch, const ProviderEntry& entry) {
  const KeyInfo& k = m_keys[entry.key];
  std::string_view q = rel.arch_qualifier;
  MultiArch ma = entry.version->multi_arch;
  if (q.empty()) {
    if (k.arch != from_arch && ma != MultiArch::foreign) {
      return false;
    }
  } else if (q == "any") {
    if (ma != MultiArch::allowed && ma != MultiArch::foreign) {
      return false;
    }
  } else if (q == "native" || q == "all") {
    if (k.arch != m_options.architecture) {
      return false;
    }
  } else if (k.arch != q) {
    return false;
  }
  if (rel.op == RelationOp::none) {
    return true;
  }
  return !entry.provided_version.empty() && version_satisfies(entry.provided_version, rel.op, rel.version);
}

std::uint64_t Universe::rank(Key key) {
  const KeyInfo& k = m_keys[key];
  std::uint64_t name_rank = m_available.mention_rank(k.name);
  if (name_rank == UINT32_MAX && m_installed != nullptr) {
    // apt reads the dpkg status after the indexes.
    name_rank = std::uint64_t{UINT32_MAX} + m_installed->mention_rank(k.name);
  }
  return (name_rank << 8) | std::min<std::size_t>(arch_order(k.arch), 255);
}

int Universe::priority_number(std::string_view priority) {
  if (priority.empty()) {
    return 0;
  }
  if (priority == "required") {
    return 1;
  }
  if (priority == "important") {
    return 2;
  }
  if (priority == "standard") {
    return 3;
  }
  if (priority == "optional") {
    return 4;
  }
  return 5;
}

} // namespace distill::planner::debian
