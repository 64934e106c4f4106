#include "planner/debian/minbase.hpp"

#include "planner/debian/relation.hpp"
#include "planner/debian/version.hpp"

#include <algorithm>
#include <deque>
#include <map>

#include <fmt/format.h>

namespace distill::planner::debian {
namespace {

bool from_suite(const PackageIndex& index, PackageId id, std::string_view suite) {
  for (OriginId origin : index.origins_of(id)) {
    const IndexOrigin& o = index.origin(origin);
    if (o.codename == suite || o.suite == suite) {
      return true;
    }
  }
  return false;
}

bool arch_ok(const Package& p, std::string_view arch) { return p.architecture == arch || p.architecture == "all"; }

// debootstrap reads one Packages file: name -> its stanza there.
std::map<std::string_view, const Package*> suite_packages(const PackageIndex& index, std::string_view suite,
                                                          std::string_view arch) {
  std::map<std::string_view, const Package*> out;
  for (PackageId id = 0; id < index.size(); ++id) {
    const Package& p = index.package(id);
    if (!arch_ok(p, arch) || !from_suite(index, id, suite)) {
      continue;
    }
    auto [it, fresh] = out.emplace(p.name, &p);
    if (!fresh && compare_versions(p.version, it->second->version) > 0) {
      it->second = &p;
    }
  }
  return out;
}

// The newest version of `name` in the whole index (apt's candidate with
// default pins), as `apt-get full-upgrade` leaves it.
const Package* newest(const PackageIndex& index, std::string_view name, std::string_view arch) {
  const Package* best = nullptr;
  int best_pin = 0;
  for (PackageId id : index.versions_of(name)) {
    const Package& p = index.package(id);
    int pin = index.pin_priority(id);
    if (arch_ok(p, arch) && (best == nullptr || pin > best_pin)) {
      best = &p;
      best_pin = pin;
    }
  }
  return best;
}

// Closes `selected` over Depends and Pre-Depends the way debootstrap's
// pkgdetails does: first alternative only, version and arch stripped,
// names `lookup` does not know (virtual packages) dropped.
template <typename Lookup>
support::Result<void> close_over(std::map<std::string_view, Selected>& selected, std::deque<const Package*> queue,
                                 const MinbaseOptions& options, Lookup&& lookup) {
  while (!queue.empty()) {
    const Package* p = queue.front();
    queue.pop_front();
    for (auto [field, text] : {std::pair{"Pre-Depends", p->pre_depends}, std::pair{"Depends", p->depends}}) {
      auto list = parse_relations(text);
      if (!list) {
        return support::fail("package {} {}: {}: {}", p->name, p->version, field, list.error().message);
      }
      for (const Alternatives& alternatives : *list) {
        std::string_view name = alternatives.front().name;
        if (std::find(options.exclude_dependencies.begin(), options.exclude_dependencies.end(), name) !=
                options.exclude_dependencies.end() ||
            selected.contains(name)) {
          continue;
        }
        const Package* target = lookup(name);
        if (target == nullptr) {
          continue;
        }
        Reason reason;
        reason.parent = std::string(p->name);
        reason.relation = fmt::format("{}: {}", field, to_string(alternatives));
        selected.emplace(target->name, Selected{target, std::move(reason)});
        queue.push_back(target);
      }
    }
  }
  return {};
}

} // namespace

MinbaseOptions minbase_options(std::string_view suite) {
  MinbaseOptions options;
  options.suite = std::string(suite);
  options.extra = {"apt"};
  const std::string_view later[] = {"trixie", "forky", "duke", "testing", "unstable", "sid"};
  if (suite == "bookworm") {
    options.extra.push_back("usr-is-merged");
    options.exclude_dependencies = {"usrmerge"};
  } else if (std::find(std::begin(later), std::end(later), suite) != std::end(later)) {
    options.exclude_dependencies = {"usrmerge"};
  }
  return options;
}

support::Result<std::vector<Selected>> minbase_packages(const PackageIndex& index, const MinbaseOptions& options) {
  auto base = suite_packages(index, options.suite, options.architecture);
  if (base.empty()) {
    return support::fail("no {} packages of suite '{}' in the index", options.architecture, options.suite);
  }
  std::map<std::string_view, Selected> selected;
  std::deque<const Package*> queue;
  auto seed = [&](const Package* p, std::string rule) {
    Reason reason;
    reason.relation = std::move(rule);
    if (selected.emplace(p->name, Selected{p, std::move(reason)}).second) {
      queue.push_back(p);
    }
  };
  for (const auto& [name, p] : base) {
    if (p->priority == "required") {
      seed(p, "Priority: required");
    }
  }
  for (const std::string& name : options.extra) {
    auto it = base.find(name);
    if (it == base.end()) {
      return support::fail("minbase package '{}' is not in suite '{}'", name, options.suite);
    }
    seed(it->second, "minbase base package");
  }
  auto in_base = [&](std::string_view name) -> const Package* {
    auto it = base.find(name);
    return it == base.end() ? nullptr : it->second;
  };
  if (auto ok = close_over(selected, std::move(queue), options, in_base); !ok) {
    return std::unexpected(ok.error());
  }
  // full-upgrade: newest versions, and whatever new dependency they bring.
  std::deque<const Package*> upgraded;
  for (auto& [name, s] : selected) {
    if (const Package* n = newest(index, name, options.architecture); n != nullptr && n != s.package) {
      s.package = n;
      upgraded.push_back(n);
    }
  }
  auto anywhere = [&](std::string_view name) { return newest(index, name, options.architecture); };
  if (auto ok = close_over(selected, std::move(upgraded), options, anywhere); !ok) {
    return std::unexpected(ok.error());
  }
  std::vector<Selected> out;
  for (auto& [name, s] : selected) {
    out.push_back(std::move(s));
  }
  return out;
}

} // namespace distill::planner::debian
