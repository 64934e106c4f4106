#pragma once

// Looking up users and groups in an image's own /etc/passwd and /etc/group,
// as BuildKit does for USER, COPY --chown and RUN.

#include "backend/fs/tree.hpp"
#include "support/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace distill::backend::build {

struct Owner {
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
};

struct PasswdEntry {
  std::string name;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::string gecos;
  std::string home;
  std::string shell;
};

struct GroupEntry {
  std::string name;
  std::uint32_t gid = 0;
  std::vector<std::string> members;
};

// Parses /etc/passwd text; malformed lines are skipped, as libc does.
std::vector<PasswdEntry> parse_passwd(std::string_view text);
// Parses /etc/group text.
std::vector<GroupEntry> parse_group(std::string_view text);

// Resolves "user[:group]" (names or numbers) against the rootfs as COPY
// --chown does: without a group the gid equals the uid; a missing name is an error naming the file, as BuildKit's
// "unable to find user NAME: no matching entries in passwd file".
support::Result<Owner> resolve_owner(const fs::Tree& rootfs, const std::string& spec);

} // namespace distill::backend::build
