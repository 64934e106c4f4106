#pragma once

// The resolver's view of the packages, shaped like apt's cache: a "key" is a
// package name on one architecture (arch "all" counts as native), with its
// available versions, its installed version, its providers and, per version,
// the parsed dependency groups. Keys and parses are made on first use, so a
// resolution touches only the part of a 60k-package index it needs. Internal
// to the resolver (resolver.hpp is the public API).

#include "planner/debian/package_index.hpp"
#include "planner/debian/relation.hpp"
#include "planner/debian/resolver.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace distill::planner::debian {

using Key = std::uint32_t;

// Dependency kinds in the order apt stores them for a version.
enum class DepType : std::uint8_t { pre_depends, depends, conflicts, breaks, recommends, suggests };

// The field name: "Pre-Depends", "Depends", ...
std::string_view to_string(DepType type);
// Pre-Depends, Depends, Conflicts, Breaks: apt's "critical" dependencies.
bool is_critical(DepType type);
// Conflicts and Breaks.
bool is_negative(DepType type);

// One or-group of one dependency field.
struct DepGroup {
  DepType type;
  const Alternatives* alternatives;
};

// apt's per-package marking state (pkgDepCache::StateCache, reduced).
struct KeyState {
  const Package* candidate = nullptr;
  bool marked = false; // mode install: the candidate is to be installed
  bool protect = false;
  bool reason_set = false;
  Reason reason;
};

struct KeyInfo {
  std::string_view name;
  std::string arch;                     // the native arch for arch "all" packages
  std::vector<const Package*> versions; // available versions, highest first
  const Package* current = nullptr;     // installed version (merged with the index's copy)
  const Package* policy_candidate = nullptr;
  KeyState state;
};

// A provider of a virtual name: one version of one key.
struct ProviderEntry {
  Key key;
  const Package* version;
  std::string_view provided_version; // empty when unversioned
};

class Universe {
public:
  Universe(const PackageIndex& available, const PackageIndex* installed, const ResolveOptions& options);

  const ResolveOptions& options() const { return m_options; }
  const std::string& native_arch() const { return m_options.architecture; }

  // The key of `name` on `arch` ("" = native), or nullopt when neither the
  // index nor the installed set has such a package.
  std::optional<Key> find(std::string_view name, std::string_view arch);
  // Every key called `name` (native first, then foreign architectures).
  const std::vector<Key>& keys_named(std::string_view name);
  // Every key with an installed version.
  const std::vector<Key>& installed_keys() const { return m_installed_keys; }
  // The installed keys whose installed version was built from `source`.
  const std::vector<Key>& installed_from_source(std::string_view source);

  KeyInfo& info(Key key) { return m_keys[key]; }
  // How many keys exist so far (they are made on first use).
  std::size_t key_count() const { return m_keys.size(); }
  KeyState& state(Key key) { return m_keys[key].state; }
  const Package* candidate(Key key) { return m_keys[key].state.candidate; }
  const Package* current(Key key) { return m_keys[key].current; }
  // apt's InstallVer: the candidate when marked, else the installed version.
  const Package* install_version(Key key);
  // The key a version belongs to.
  Key key_of(const Package& version);
  // The architecture name a version's dependencies are resolved for.
  std::string_view dep_arch(const Package& version) const;

  // The providers of `name` (self-provides excluded), available then installed.
  const std::vector<ProviderEntry>& providers(std::string_view name);

  // The dependency groups of a version in apt's order; a malformed field
  // sets error() and yields no groups.
  const std::vector<DepGroup>& deps(const Package* version);
  const std::optional<support::Error>& error() const { return m_error; }

  // True when `version` of `key` satisfies `rel` for a package of `from_arch`.
  bool satisfies(const Relation& rel, std::string_view from_arch, Key key, const Package* version);
  // True when the provider entry satisfies `rel` (versioned provides only
  // satisfy versioned relations).
  bool provides(const Relation& rel, std::string_view from_arch, const ProviderEntry& entry);

  // apt's package ID order, approximated by the order in which the index
  // first mentions each name (as a package, dependency or provides).
  std::uint64_t rank(Key key);
  // apt's numeric priority: required 1 ... extra 5, absent 0.
  static int priority_number(std::string_view priority);
  // The index of an architecture in native-then-foreign order (unknown: large).
  std::size_t arch_order(std::string_view arch) const;

private:
  Key make_key(std::string_view name, std::string arch);

  const PackageIndex& m_available;
  const PackageIndex* m_installed;
  ResolveOptions m_options;
  std::deque<KeyInfo> m_keys;
  std::unordered_map<std::string, Key> m_key_by_name_arch;
  std::unordered_map<std::string_view, std::vector<Key>> m_keys_by_name;
  std::unordered_map<std::string_view, std::vector<ProviderEntry>> m_providers;
  std::unordered_map<const Package*, std::unique_ptr<std::pair<std::vector<RelationList>, std::vector<DepGroup>>>>
      m_deps;
  std::vector<Key> m_installed_keys;
  std::unordered_map<std::string_view, std::vector<Key>> m_installed_by_source;
  bool m_by_source_done = false;
  std::optional<support::Error> m_error;
};

} // namespace distill::planner::debian
