#pragma once

// /etc/passwd, /etc/group, /etc/shadow, /etc/gshadow: what base-passwd's
// preinst (copying its master files), passwd's `shadowconfig on`, the
// Dockerfile's useradd/groupadd (planner AddUser/AddGroup) and packages'
// system users (sysusers.d, `adduser --system` in postinst) would leave.
// Allocation is deterministic: system ids go down from 999 (useradd -r,
// systemd-sysusers) or up from 100 (adduser --system); others up from 1000.

#include "backend/deb/generators/context.hpp"
#include "planner/ir.hpp"

#include <optional>

namespace distill::backend::deb::generators {

struct PasswdEntry {
  std::string name;
  std::string password; // field 2 as in the source: "*", "x", "!"
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::string gecos;
  std::string home;
  std::string shell;
  std::string shadow_password = "*"; // field 2 of the shadow line
  bool system = true;                // shadow ageing fields: system accounts get none
};

struct GroupEntry {
  std::string name;
  std::string password;
  std::uint32_t gid = 0;
  std::vector<std::string> members;
  std::string shadow_password = "*";
};

struct AccountDb {
  std::vector<PasswdEntry> users; // file order
  std::vector<GroupEntry> groups;

  const PasswdEntry* user(std::string_view name) const;
  const GroupEntry* group(std::string_view name) const;
  const GroupEntry* group_by_id(std::uint32_t gid) const;
  bool uid_taken(std::uint32_t uid) const;
  bool gid_taken(std::uint32_t gid) const;
};

// Parses passwd- and group-format text (7 and 4 colon-separated fields a
// line); fails with "<which> line N: ..." on a malformed line.
support::Result<AccountDb> parse_accounts(std::string_view passwd, std::string_view group);

enum class IdPolicy {
  useradd,  // system: highest free id in [100, 999]; others: lowest free >= 1000
  adduser,  // system: lowest free id in [100, 999]; others: lowest free >= 1000
};

// Adds a group like groupadd/addgroup. An existing group of that name is kept
// when `gid` is unset or equal; fails on a clash or when no id is free.
support::Result<void> add_group(AccountDb& db, const planner::AddGroup& group,
                                IdPolicy policy = IdPolicy::useradd);

// Adds a user like useradd (or adduser --system with IdPolicy::adduser): a
// same-named primary group unless `group`/`gid` name one, supplementary
// groups' member lists, home /home/NAME (system adduser: /nonexistent) and
// shell /bin/sh (system adduser: /usr/sbin/nologin) by default. Fails on a
// clash with an existing user, an unknown group or when no id is free.
support::Result<void> add_user(AccountDb& db, const planner::AddUser& user,
                               IdPolicy policy = IdPolicy::useradd,
                               std::int64_t lastchg_days = 0);

// The four files' texts. With `shadowed`, passwd/group carry "x" and the
// shadow files get the real field 2 with lastchg `lastchg_days`.
std::string render_passwd(const AccountDb& db, bool shadowed);
std::string render_group(const AccountDb& db, bool shadowed);
std::string render_shadow(const AccountDb& db, std::int64_t lastchg_days);
std::string render_gshadow(const AccountDb& db);

struct AccountRequests {
  std::vector<planner::AddGroup> groups; // the plan's, in order (groups first)
  std::vector<planner::AddUser> users;
};

// Writes the account files (and homes of users with create_home) into `out`:
// from base-passwd's master files when it is installed, else a minimal
// root/nobody set; shadowed when the `passwd` package is installed (0640
// root:shadow shadow files, 0600 passwd-, 0644 group-, empty .pwd.lock).
// Packages' system users from /usr/lib/sysusers.d and postinst adduser lines
// are added first, then `requests`. Fails on a clash in the requests.
support::Result<void> generate_accounts(const Context& context, const AccountRequests& requests,
                                        fs::Tree& out, std::vector<Finding>& findings);

} // namespace distill::backend::deb::generators
