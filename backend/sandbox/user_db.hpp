#pragma once

// USER resolution the way runc does it for docker build: names are looked up
// in the image's own /etc/passwd and /etc/group, numbers need no entry, and
// supplementary groups are added only when no group was given.

#include "support/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::sandbox {

struct ExecUser {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::vector<std::uint32_t> groups; // supplementary
  std::string home = "/";
};

// Resolves "user[:group]" (names or numbers; empty = root) against the text
// of /etc/passwd and /etc/group (empty text = file missing); fails like runc:
// "unable to find user NAME: no matching entries in passwd file".
support::Result<ExecUser> resolve_user(std::string_view spec, std::string_view passwd,
                                       std::string_view group);

} // namespace distill::backend::sandbox
