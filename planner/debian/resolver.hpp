#pragma once

// An apt-compatible dependency resolver: given the available packages, the
// installed set and the requested names, the packages `apt-get install`
// would install, each with the reason it is there.

#include "planner/debian/package_index.hpp"
#include "support/error.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace distill::planner::debian {

// One argument of "apt-get install": "name", "name:arch", "name=version" or
// "name/suite" (a codename, suite or archive of the index origin).
struct Request {
  std::string name;
  std::string arch;    // empty: the native architecture
  std::string version; // "=version" pin (a glob with * ? [ as in apt); empty when unpinned
  std::string release; // "/suite" pin; empty when unpinned
};

// Parses one request; fails on an empty name, "=" or "/" without a value,
// or both "=" and "/".
support::Result<Request> parse_request(std::string_view text);

struct ResolveOptions {
  std::string architecture = "amd64";             // dpkg's native architecture
  std::vector<std::string> foreign_architectures; // dpkg --add-architecture
  bool install_recommends = true;                 // APT::Install-Recommends
  bool install_suggests = false;                  // APT::Install-Suggests
};

// Why a package is in the result.
struct Reason {
  bool requested = false;
  std::string parent;   // the package whose dependency pulled it in ("curl")
  std::string relation; // that dependency as written: "Depends: libc6 (>= 2.34)",
                        // or the rule when there is no parent ("Priority: required")

  // "requested", "dependency of curl via 'Depends: libc6 (>= 2.34)'", or the
  // rule alone when there is no parent.
  std::string describe() const;
};

struct Selected {
  const Package* package = nullptr; // points into the available (or installed) index
  Reason reason;
};

struct Resolution {
  // The packages to install (new, upgraded or downgraded), sorted by name
  // then architecture.
  std::vector<Selected> install;
  // Packages apt would report while resolving (e.g. "Note, selecting 'x'
  // instead of virtual 'y'"); informational.
  std::vector<std::string> notes;
};

// Resolves `requests` as `apt-get install` does against `available`, on top
// of `installed` (may be null: an empty dpkg status). Fails, naming the
// package, the dependency and why each candidate was rejected, when a request
// is unknown, ambiguous (a virtual package with several providers) or cannot
// be satisfied, or when the result would break a Conflicts/Breaks.
support::Result<Resolution> resolve(const PackageIndex& available, const PackageIndex* installed,
                                    std::span<const Request> requests, const ResolveOptions& options = {});

} // namespace distill::planner::debian
