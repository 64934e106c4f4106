#pragma once

// System users and groups that packages create at install time: sysusers.d
// files (u/g/m lines, interpreted like systemd-sysusers with ids allocated
// downwards from 999 in file-name order) and literal `adduser --system`,
// `addgroup --system`, `useradd -r`, `groupadd -r` lines in postinst/preinst.
// A line whose arguments are computed is reported, not guessed.

#include "backend/deb/generators/accounts.hpp"

namespace distill::backend::deb::generators {

// What one adduser/useradd/addgroup/groupadd command line asks for.
struct AccountCommand {
  bool is_group = false;
  planner::AddUser user;   // when !is_group
  planner::AddGroup group; // when is_group
  IdPolicy policy = IdPolicy::adduser;
};

// Parses one command's words (the first is the tool name). Returns nullopt
// and sets `why` when the line uses options or expansions not modelled.
std::optional<AccountCommand> parse_account_command(const std::vector<std::string>& words,
                                                    std::string& why);

// Adds every installed package's system accounts to `db` in package-name
// order; accounts that already exist (e.g. _apt from base-passwd) are kept.
support::Result<void> add_system_accounts(const Context& context, AccountDb& db,
                                          std::vector<Finding>& findings);

} // namespace distill::backend::deb::generators
