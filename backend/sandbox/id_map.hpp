#pragma once

// The uid/gid mappings of the sandbox's user namespace. Root maps the whole id
// space onto itself. An unprivileged caller with a /etc/subuid and /etc/subgid
// range (and the setuid newuidmap/newgidmap helpers) maps itself to 0 and its
// range to 1..N, so steps can chown and apt can drop to _apt; without one it
// gets the single mapping caller -> 0.

#include "support/error.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace distill::backend::sandbox {

enum class IdMapMode {
  automatic, // the widest mapping the caller can get
  single,    // only the caller -> 0 (what an account without subuids gets)
};

struct IdRange {
  std::uint32_t inside = 0;
  std::uint32_t outside = 0;
  std::uint32_t count = 0;
};

struct IdMaps {
  std::vector<IdRange> uids;
  std::vector<IdRange> gids;
  bool via_helpers = false; // written by newuidmap/newgidmap rather than directly
  bool setgroups_allowed = true; // false when an unprivileged writer had to deny setgroups
  bool single() const { return uids.size() == 1 && uids[0].count == 1; }
};

// The mappings this process can set up for a child; fails when a subuid range
// is listed but the helpers are missing.
support::Result<IdMaps> plan_id_maps(IdMapMode mode);

// The ranges listed for the calling user in a subid file (/etc/subuid or
// /etc/subgid); empty when none or the file is missing.
std::vector<IdRange> read_subid_ranges(const std::string& file, const std::string& user_name,
                                       std::uint32_t id);

// Writes the maps of process `pid` (which has just unshared its user
// namespace); fails when the kernel or a helper refuses.
support::Result<void> apply_id_maps(pid_t pid, const IdMaps& maps);

// True when `inside` has a mapping in `ranges`.
bool is_mapped(const std::vector<IdRange>& ranges, std::uint32_t inside);

// "0 1001 1 / 1 100000 65536", for messages.
std::string describe(const std::vector<IdRange>& ranges);

} // namespace distill::backend::sandbox
