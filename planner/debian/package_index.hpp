#pragma once

// An in-memory index of Packages files (or a dpkg status): name -> versions,
// virtual name -> providers. It owns the texts its Package views point into.

#include "planner/debian/control.hpp"
#include "planner/debian/package.hpp"
#include "planner/debian/relation.hpp"
#include "support/error.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace distill::planner::debian {

// Where an index file came from, for pins ("name/suite"), the lockfile and
// error messages.
struct IndexOrigin {
  std::string file;      // e.g. "bookworm/main/binary-amd64/Packages"
  std::string suite;     // Release "Suite" (e.g. "stable"); may be empty
  std::string codename;  // Release "Codename" (e.g. "bookworm")
  std::string component; // e.g. "main"
  std::string archive_uri;
  int pin_priority = 500; // apt's default for a normal source
};

// One entry of a virtual package's provider list.
struct Provider {
  PackageId package;
  std::string_view version;        // provided version; empty if unversioned
  std::string_view arch_qualifier; // rarely set
};

// Options for PackageIndex::add.
struct AddOptions {
  // Stanzas for which this returns false are skipped (status files keep
  // only installed packages); unset keeps everything.
  std::function<bool(const Stanza&)> keep;
};

class PackageIndex {
public:
  PackageIndex() = default;
  PackageIndex(PackageIndex&&) noexcept = default;
  PackageIndex& operator=(PackageIndex&&) noexcept = default;
  PackageIndex(const PackageIndex&) = delete;
  PackageIndex& operator=(const PackageIndex&) = delete;

  // Parses a (decompressed) Packages text and adds its stanzas. A version
  // already present (same name, version and architecture) only gains the
  // origin. Fails with "FILE:LINE: ..." on a malformed stanza (no Package,
  // Version or Architecture, a bad version or Provides field); the index is
  // then unchanged.
  support::Result<void> add(std::string text, IndexOrigin origin, const AddOptions& options = {});

  std::size_t size() const { return m_packages.size(); }
  const Package& package(PackageId id) const { return m_packages[id]; }
  std::span<const Package> packages() const { return m_packages; }
  const IndexOrigin& origin(OriginId id) const { return m_origins[id]; }
  std::size_t origin_count() const { return m_origins.size(); }

  // Every version of `name` (all architectures), highest version first;
  // empty when unknown.
  std::span<const PackageId> versions_of(std::string_view name) const;
  // Every package that provides `name`, in index order; empty when none.
  std::span<const Provider> providers_of(std::string_view name) const;
  // Every index file that lists package `id` (most list it once).
  std::vector<OriginId> origins_of(PackageId id) const;
  // The highest pin priority among the origins of `id`.
  int pin_priority(PackageId id) const;
  // Every package name, sorted.
  std::vector<std::string_view> names() const;
  // The "name version arch" of a package, for messages.
  std::string describe(PackageId id) const;
  // The position at which the index first mentions `name` (as a package, a
  // relation target or a provided name, in file and field order): apt's
  // package-ID order, which breaks its last ties. Computed once, on first
  // use (thread-safe); UINT32_MAX for a name never mentioned.
  std::uint32_t mention_rank(std::string_view name) const;

private:
  std::vector<std::unique_ptr<std::string>> m_texts;
  std::vector<IndexOrigin> m_origins;
  std::vector<Package> m_packages;
  std::unordered_map<std::string_view, std::vector<PackageId>> m_by_name;
  std::unordered_map<std::string_view, std::vector<Provider>> m_providers;
  // Origins beyond Package::origin (the same version in several files).
  std::unordered_map<PackageId, std::vector<OriginId>> m_extra_origins;
  // The lazily computed mention order (reset by add()).
  mutable std::unique_ptr<std::mutex> m_rank_mutex = std::make_unique<std::mutex>();
  mutable std::unique_ptr<std::unordered_map<std::string_view, std::uint32_t>> m_ranks;
};

} // namespace distill::planner::debian
