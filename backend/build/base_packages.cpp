#include "backend/build/base_packages.hpp"

#include "planner/debian/version.hpp"

#include <deque>
#include <set>

namespace distill::backend::build {

namespace debian = planner::debian;

namespace {

// The candidate of `name`: the highest version for the native or "all"
// architecture among the highest pin priority, as apt picks it.
const debian::Package* candidate(const debian::PackageIndex& index, std::string_view name,
                                 const std::string& architecture) {
  const debian::Package* best = nullptr;
  int best_priority = -1;
  for (const auto id : index.versions_of(name)) {
    const auto& package = index.package(id);
    if (package.architecture != architecture && package.architecture != "all") {
      continue;
    }
    const int priority = index.pin_priority(id);
    if (best == nullptr || priority > best_priority ||
        (priority == best_priority && debian::compare_versions(package.version, best->version) > 0)) {
      best = &package;
      best_priority = priority;
    }
  }
  return best;
}

bool in_base_suite(const debian::PackageIndex& index, const debian::Package& package, const std::string& suite) {
  const auto id = static_cast<debian::PackageId>(&package - index.packages().data());
  for (const auto origin : index.origins_of(id)) {
    if (index.origin(origin).codename == suite || index.origin(origin).suite == suite) {
      return true;
    }
  }
  return false;
}

// The first alternative's package name of each comma-separated dependency,
// version and ":arch" stripped, as debootstrap's GETDEPS reads them.
std::vector<std::string> first_alternatives(std::string_view field) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= field.size()) {
    auto comma = field.find(',', start);
    if (comma == std::string_view::npos) {
      comma = field.size();
    }
    std::string_view part = field.substr(start, comma - start);
    part = part.substr(0, part.find('|'));
    part = part.substr(0, part.find('('));
    part = part.substr(0, part.find('['));
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front()))) {
      part.remove_prefix(1);
    }
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back()))) {
      part.remove_suffix(1);
    }
    part = part.substr(0, part.find(':'));
    if (!part.empty()) {
      names.emplace_back(part);
    }
    start = comma + 1;
  }
  return names;
}

} // namespace

support::Result<std::vector<const debian::Package*>>
base_package_set(const debian::PackageIndex& index, const std::string& distro, const std::string& suite,
                 const std::string& architecture) {
  // Seed: Priority required in the base suite (not -updates/-security), plus apt.
  std::set<std::string> seed{"apt"};
  if (distro == "debian" && suite == "bookworm") {
    seed.insert("usr-is-merged");
  }
  for (const auto& package : index.packages()) {
    if (package.priority == "required" && in_base_suite(index, package, suite)) {
      seed.emplace(package.name);
    }
  }
  if (seed.size() < 5) {
    return support::fail("the {} {} index has no Priority: required packages; is it the right suite?", distro,
                         suite);
  }
  // Closure over Depends and Pre-Depends, first alternatives only; names
  // without a real package (virtuals) are dropped, and usrmerge is excluded
  // on merged-/usr releases, as debootstrap does.
  std::set<std::string> chosen;
  std::deque<std::string> queue(seed.begin(), seed.end());
  while (!queue.empty()) {
    const std::string name = queue.front();
    queue.pop_front();
    if (chosen.contains(name) || name == "usrmerge") {
      continue;
    }
    const debian::Package* package = candidate(index, name, architecture);
    if (package == nullptr) {
      if (seed.contains(name) && name != "usr-is-merged") {
        return support::fail("{} {}: required package {} has no candidate for {}", distro, suite, name,
                             architecture);
      }
      continue;
    }
    chosen.insert(name);
    for (const auto field : {package->pre_depends, package->depends}) {
      for (auto& dependency : first_alternatives(field)) {
        if (!chosen.contains(dependency)) {
          queue.push_back(std::move(dependency));
        }
      }
    }
  }
  std::vector<const debian::Package*> result;
  for (const auto& name : chosen) {
    result.push_back(candidate(index, name, architecture));
  }
  return result;
}

} // namespace distill::backend::build
