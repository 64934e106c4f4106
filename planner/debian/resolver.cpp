#include "planner/debian/resolver.hpp"

#include "planner/debian/resolve_explain.hpp"
#include "planner/debian/resolver_engine.hpp"
#include "planner/debian/version.hpp"

#include <algorithm>

#include <fnmatch.h>

#include <fmt/format.h>

namespace distill::planner::debian {
namespace {

bool origin_matches(const PackageIndex& index, const Package& p, std::string_view release) {
  for (OriginId id : index.origins_of(static_cast<PackageId>(&p - index.packages().data()))) {
    const IndexOrigin& o = index.origin(id);
    if (o.codename == release || o.suite == release) {
      return true;
    }
  }
  return false;
}

// The highest version of `key` from `release`, or null.
const Package* version_from_release(Universe& u, const PackageIndex& index, Key key, std::string_view release) {
  for (const Package* v : u.info(key).versions) {
    if (origin_matches(index, *v, release)) {
      return v;
    }
  }
  return nullptr;
}

// apt's SetCandidateRelease: after "name/release", critical dependencies the
// current candidates cannot satisfy switch to that release too.
void switch_release(Engine& engine, const PackageIndex& index, Key key, std::string_view release,
                    std::vector<std::string>& notes, unsigned depth) {
  Universe& u = engine.universe();
  const Package* v = u.candidate(key);
  if (v == nullptr || depth > 100) {
    return;
  }
  std::string_view arch = u.dep_arch(*v);
  for (const DepGroup& group : u.deps(v)) {
    if (!is_critical(group.type) || is_negative(group.type) ||
        engine.group_holds(group, arch, key, StateOf::candidate)) {
      continue;
    }
    for (const Relation& rel : *group.alternatives) {
      bool switched = false;
      for (Key target : u.keys_named(rel.name)) {
        const Package* from_release = version_from_release(u, index, target, release);
        if (from_release != nullptr && from_release != u.candidate(target) &&
            u.satisfies(rel, arch, target, from_release)) {
          u.state(target).candidate = from_release;
          notes.push_back(fmt::format("selected version '{}' ({}) for '{}' because of '{}'", from_release->version,
                                      release, rel.name, v->name));
          switch_release(engine, index, target, release, notes, depth + 1);
          switched = true;
          break;
        }
      }
      if (switched) {
        break;
      }
    }
  }
}

// The key a request names: the package itself, or the only provider of a
// virtual name (apt's "Note, selecting 'x' instead of 'y'").
support::Result<Key> locate(Universe& u, const Request& request, std::vector<std::string>& notes) {
  if (auto key = u.find(request.name, request.arch); key && !u.info(*key).versions.empty()) {
    return *key;
  } else if (key && u.current(*key) != nullptr) {
    return *key;
  }
  std::vector<Key> providers;
  std::string_view arch = request.arch.empty() ? std::string_view(u.native_arch()) : std::string_view(request.arch);
  for (const ProviderEntry& entry : u.providers(request.name)) {
    if (u.info(entry.key).arch == arch && u.candidate(entry.key) == entry.version &&
        std::find(providers.begin(), providers.end(), entry.key) == providers.end()) {
      providers.push_back(entry.key);
    }
  }
  if (providers.size() == 1) {
    notes.push_back(fmt::format("selecting '{}' instead of virtual package '{}'", u.info(providers[0]).name,
                                request.name));
    return providers[0];
  }
  if (providers.empty()) {
    return support::fail("unable to locate package {}", request.name);
  }
  std::vector<std::string> names;
  for (Key key : providers) {
    names.push_back(fmt::format("{} {}", u.info(key).name, u.candidate(key)->version));
  }
  std::sort(names.begin(), names.end());
  return support::fail("package {} is a virtual package provided by: {}; name one of them explicitly",
                       request.name, fmt::join(names, ", "));
}

// Applies "=version" or "/release" to the key's candidate.
support::Result<void> pin(Engine& engine, const PackageIndex& index, Key key, const Request& request,
                          std::vector<std::string>& notes) {
  Universe& u = engine.universe();
  KeyInfo& k = u.info(key);
  if (!request.version.empty()) {
    // apt matches "=1.2*" (any of * ? [) as a glob: the highest match wins.
    const bool glob = request.version.find_first_of("*?[") != std::string::npos;
    auto matches = [&](const Package* v) {
      return glob ? ::fnmatch(request.version.c_str(), std::string(v->version).c_str(), 0) == 0
                  : v->version == request.version;
    };
    auto it = std::find_if(k.versions.begin(), k.versions.end(), matches);
    if (it == k.versions.end() && k.current != nullptr && matches(k.current)) {
      k.state.candidate = k.current;
      return {};
    }
    if (it == k.versions.end()) {
      std::vector<std::string_view> known;
      for (const Package* v : k.versions) {
        known.push_back(v->version);
      }
      return support::fail("version '{}' for '{}' was not found (available: {})", request.version, request.name,
                           known.empty() ? std::string("none") : fmt::format("{}", fmt::join(known, ", ")));
    }
    k.state.candidate = *it;
  }
  if (!request.release.empty()) {
    const Package* v = version_from_release(u, index, key, request.release);
    if (v == nullptr) {
      return support::fail("release '{}' for '{}' was not found", request.release, request.name);
    }
    k.state.candidate = v;
    switch_release(engine, index, key, request.release, notes, 0);
  }
  if (k.state.candidate == nullptr) {
    return support::fail("package '{}' has no installation candidate", request.name);
  }
  return {};
}

} // namespace

support::Result<Resolution> resolve(const PackageIndex& available, const PackageIndex* installed,
                                    std::span<const Request> requests, const ResolveOptions& options) {
  Universe universe(available, installed, options);
  Engine engine(universe);
  Resolution resolution;

  // apt-get install: first mark every request without its dependencies,
  // then let each (in command-line order) pull in what it needs.
  std::vector<Key> requested;
  Reason user;
  user.requested = true;
  for (const Request& request : requests) {
    auto key = locate(universe, request, resolution.notes);
    if (!key) {
      return std::unexpected(key.error());
    }
    if (auto pinned = pin(engine, available, *key, request, resolution.notes); !pinned) {
      return std::unexpected(pinned.error());
    }
    universe.state(*key).protect = true;
    engine.mark_install(*key, false, 0, true, user);
    if (std::find(requested.begin(), requested.end(), *key) == requested.end()) {
      requested.push_back(*key);
    }
  }
  for (Key key : requested) {
    engine.mark_install(key, true, 0, true, user);
  }
  if (universe.error()) {
    return std::unexpected(*universe.error());
  }
  if (auto broken = find_broken(engine); !broken.empty()) {
    return support::fail("{}", explain_broken(engine, broken));
  }
  for (std::size_t i = 0;; ++i) {
    // Keys are created while resolving, so walk them by index.
    if (i >= universe.key_count()) {
      break;
    }
    KeyInfo& k = universe.info(static_cast<Key>(i));
    if (k.state.marked && k.state.candidate != nullptr && k.state.candidate != k.current) {
      resolution.install.push_back(Selected{k.state.candidate, k.state.reason});
    }
  }
  std::sort(resolution.install.begin(), resolution.install.end(), [](const Selected& a, const Selected& b) {
    if (a.package->name != b.package->name) {
      return a.package->name < b.package->name;
    }
    return a.package->architecture < b.package->architecture;
  });
  return resolution;
}

} // namespace distill::planner::debian
