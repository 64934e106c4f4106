#pragma once

// The package set of `debootstrap --variant=minbase`, as debuerreotype runs
// it for the official debian images: Priority required + the variant's base
// packages, closed over Depends and Pre-Depends the way debootstrap does it
// (first alternative only, no Provides), then moved to the newest versions
// of the index (the images' `apt-get full-upgrade` from -updates/-security).

#include "planner/debian/package_index.hpp"
#include "planner/debian/resolver.hpp"
#include "support/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace distill::planner::debian {

struct MinbaseOptions {
  // The base suite (an origin's codename or suite, e.g. "bookworm"); only
  // its own Packages stanzas seed and close the set, as in debootstrap.
  std::string suite;
  std::string architecture = "amd64"; // with "all"
  // Added to the Priority: required seed ("apt" for minbase, and
  // "usr-is-merged" for bookworm).
  std::vector<std::string> extra;
  // Dependencies debootstrap drops instead of following (its
  // EXCLUDE_DEPENDENCY: "usrmerge" from bookworm on).
  std::vector<std::string> exclude_dependencies;
};

// debootstrap's settings for a Debian suite codename: bookworm seeds apt and
// usr-is-merged and excludes usrmerge; later suites seed apt and exclude
// usrmerge; earlier ones seed apt only.
MinbaseOptions minbase_options(std::string_view suite);

// The minbase package set, sorted by name; each package's reason says which
// rule put it there. Fails when the index has no stanza from `suite`, or a
// seed of `extra` is missing from it.
support::Result<std::vector<Selected>> minbase_packages(const PackageIndex& index, const MinbaseOptions& options);

} // namespace distill::planner::debian
