#pragma once

// The body of a (verified) Release/InRelease file: what the suite is and
// the SHA256 of every index file it vouches for.

#include "support/error.hpp"

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::archive {

struct ReleaseEntry {
  std::string sha256;
  std::uint64_t size = 0;
};

struct ReleaseInfo {
  std::string origin;
  std::string label;
  std::string suite;    // "stable"
  std::string codename; // "bookworm"
  std::string version;
  std::optional<std::time_t> date;
  std::optional<std::time_t> valid_until;
  std::vector<std::string> architectures;
  std::vector<std::string> components;
  bool acquire_by_hash = false;
  bool not_automatic = false;           // apt pins such a suite at 1
  bool but_automatic_upgrades = false;  // ... or at 100 with this
  std::map<std::string, ReleaseEntry, std::less<>> files; // "main/binary-amd64/Packages.xz" -> ...

  // apt's default pin priority for the suite: 500, 100 or 1.
  int pin_priority() const;
};

// Parses a Release body with the control parser; fails (naming `what`) on a
// malformed file, a bad date, or a missing or malformed SHA256 list.
support::Result<ReleaseInfo> parse_release(std::string_view text, std::string_view what);

// "Sat, 10 Jun 2023 08:51:02 UTC" (RFC 2822, as apt accepts it) -> epoch seconds.
std::optional<std::time_t> parse_release_date(std::string_view text);

// Checks that the Release is the suite asked for (Suite or Codename equals
// `suite`, so a mirror cannot pass one suite off as another) and, when
// `check_valid_until`, that it has not expired at `now`.
support::Result<void> check_release(const ReleaseInfo& release, std::string_view suite,
                                    std::time_t now, bool check_valid_until, std::string_view what);

} // namespace distill::backend::archive
