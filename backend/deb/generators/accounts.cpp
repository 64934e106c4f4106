#include "backend/deb/generators/accounts.hpp"

#include "backend/deb/generators/system_users.hpp"

#include <algorithm>
#include <charconv>
#include <functional>

#include <fmt/format.h>

namespace distill::backend::deb::generators {

using support::fail;
using support::Result;

namespace {

constexpr std::uint32_t k_shadow_gid = 42;
constexpr std::uint32_t k_first_system = 100;
constexpr std::uint32_t k_last_system = 999;
constexpr std::uint32_t k_first_user = 1000;
constexpr std::uint32_t k_last_user = 59999;

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const auto colon = line.find(':', start);
    fields.push_back(line.substr(start, colon == std::string_view::npos ? colon : colon - start));
    if (colon == std::string_view::npos) {
      return fields;
    }
    start = colon + 1;
  }
}

std::optional<std::uint32_t> parse_id(std::string_view text) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

template <typename Visit>
Result<void> for_each_line(std::string_view text, std::string_view which, Visit visit) {
  std::size_t number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const auto line = text.substr(start, end == std::string_view::npos ? end : end - start);
    start = end == std::string_view::npos ? text.size() : end + 1;
    ++number;
    if (line.empty() || line.front() == '#') {
      continue;
    }
    if (auto ok = visit(line); !ok) {
      return fail("{} line {}: {}", which, number, ok.error().message);
    }
  }
  return {};
}

std::optional<std::uint32_t> allocate(IdPolicy policy, bool system,
                                      const std::function<bool(std::uint32_t)>& taken) {
  if (!system) {
    for (std::uint32_t id = k_first_user; id <= k_last_user; ++id) {
      if (!taken(id)) {
        return id;
      }
    }
    return std::nullopt;
  }
  if (policy == IdPolicy::adduser) {
    for (std::uint32_t id = k_first_system; id <= k_last_system; ++id) {
      if (!taken(id)) {
        return id;
      }
    }
    return std::nullopt;
  }
  for (std::uint32_t id = k_last_system; id >= k_first_system; --id) {
    if (!taken(id)) {
      return id;
    }
  }
  return std::nullopt;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += out.empty() ? "" : ",";
    out += item;
  }
  return out;
}

} // namespace

const PasswdEntry* AccountDb::user(std::string_view name) const {
  for (const auto& entry : users) {
    if (entry.name == name) {
      return &entry;
    }
  }
  return nullptr;
}

const GroupEntry* AccountDb::group(std::string_view name) const {
  for (const auto& entry : groups) {
    if (entry.name == name) {
      return &entry;
    }
  }
  return nullptr;
}

const GroupEntry* AccountDb::group_by_id(std::uint32_t gid) const {
  for (const auto& entry : groups) {
    if (entry.gid == gid) {
      return &entry;
    }
  }
  return nullptr;
}

bool AccountDb::uid_taken(std::uint32_t uid) const {
  for (const auto& entry : users) {
    if (entry.uid == uid) {
      return true;
    }
  }
  return false;
}

bool AccountDb::gid_taken(std::uint32_t gid) const { return group_by_id(gid) != nullptr; }

Result<AccountDb> parse_accounts(std::string_view passwd, std::string_view group) {
  AccountDb db;
  auto users = for_each_line(passwd, "passwd", [&](std::string_view line) -> Result<void> {
    const auto f = split_fields(line);
    if (f.size() != 7) {
      return fail("expected 7 fields, found {}", f.size());
    }
    const auto uid = parse_id(f[2]);
    const auto gid = parse_id(f[3]);
    if (f[0].empty() || !uid || !gid) {
      return fail("bad name or id in '{}'", line);
    }
    db.users.push_back(PasswdEntry{std::string(f[0]), std::string(f[1]), *uid, *gid,
                                   std::string(f[4]), std::string(f[5]), std::string(f[6])});
    return {};
  });
  if (!users) {
    return std::unexpected(users.error());
  }
  auto groups = for_each_line(group, "group", [&](std::string_view line) -> Result<void> {
    const auto f = split_fields(line);
    if (f.size() != 4) {
      return fail("expected 4 fields, found {}", f.size());
    }
    const auto gid = parse_id(f[2]);
    if (f[0].empty() || !gid) {
      return fail("bad name or id in '{}'", line);
    }
    GroupEntry entry{std::string(f[0]), std::string(f[1]), *gid, {}};
    std::string_view list = f[3];
    while (!list.empty()) {
      const auto comma = list.find(',');
      const auto member = list.substr(0, comma);
      if (!member.empty()) {
        entry.members.emplace_back(member);
      }
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    db.groups.push_back(std::move(entry));
    return {};
  });
  if (!groups) {
    return std::unexpected(groups.error());
  }
  return db;
}

Result<void> add_group(AccountDb& db, const planner::AddGroup& group, IdPolicy policy) {
  if (const GroupEntry* existing = db.group(group.name)) {
    if (group.gid && *group.gid != existing->gid) {
      return fail("group '{}' already exists with gid {}, not {}", group.name, existing->gid,
                  *group.gid);
    }
    return {};
  }
  std::uint32_t gid = 0;
  if (group.gid) {
    if (const GroupEntry* other = db.group_by_id(*group.gid)) {
      return fail("gid {} of group '{}' is already used by '{}'", *group.gid, group.name,
                  other->name);
    }
    gid = *group.gid;
  } else {
    const auto free = allocate(policy, group.system, [&](std::uint32_t id) { return db.gid_taken(id); });
    if (!free) {
      return fail("no free gid for group '{}'", group.name);
    }
    gid = *free;
  }
  db.groups.push_back(GroupEntry{group.name, "x", gid, {}, "!"});
  return {};
}

Result<void> add_user(AccountDb& db, const planner::AddUser& user, IdPolicy policy,
                      std::int64_t /*lastchg_days*/) {
  if (user.name.empty()) {
    return fail("a user needs a name");
  }
  if (db.user(user.name) != nullptr) {
    return fail("user '{}' already exists", user.name);
  }
  std::uint32_t uid = 0;
  if (user.uid) {
    if (db.uid_taken(*user.uid)) {
      return fail("uid {} of user '{}' is already used", *user.uid, user.name);
    }
    uid = *user.uid;
  } else {
    const auto free = allocate(policy, user.system, [&](std::uint32_t id) { return db.uid_taken(id); });
    if (!free) {
      return fail("no free uid for user '{}'", user.name);
    }
    uid = *free;
  }
  // The primary group: named, numbered, or a new one named after the user.
  std::uint32_t gid = 0;
  if (!user.group.empty()) {
    const GroupEntry* group = db.group(user.group);
    if (group == nullptr) {
      return fail("group '{}' of user '{}' does not exist", user.group, user.name);
    }
    gid = group->gid;
  } else if (user.gid) {
    if (db.group_by_id(*user.gid) == nullptr) {
      return fail("gid {} of user '{}' does not exist", *user.gid, user.name);
    }
    gid = *user.gid;
  } else if (policy == IdPolicy::adduser && user.system) {
    const GroupEntry* nogroup = db.group("nogroup");
    gid = nogroup != nullptr ? nogroup->gid : 65534;
  } else {
    planner::AddGroup own;
    own.name = user.name;
    own.system = user.system;
    if (!db.gid_taken(uid)) {
      own.gid = uid;
    }
    if (auto ok = add_group(db, own, policy); !ok) {
      return ok;
    }
    gid = db.group(user.name)->gid;
  }
  for (const auto& name : user.groups) {
    bool found = false;
    for (auto& group : db.groups) {
      if (group.name == name) {
        found = true;
        if (std::find(group.members.begin(), group.members.end(), user.name) == group.members.end()) {
          group.members.push_back(user.name);
        }
      }
    }
    if (!found) {
      return fail("supplementary group '{}' of user '{}' does not exist", name, user.name);
    }
  }
  const bool adduser_system = policy == IdPolicy::adduser && user.system;
  PasswdEntry entry;
  entry.name = user.name;
  entry.password = "x";
  entry.uid = uid;
  entry.gid = gid;
  entry.gecos = user.gecos;
  entry.home = !user.home.empty() ? user.home : adduser_system ? "/nonexistent" : "/home/" + user.name;
  entry.shell = !user.shell.empty() ? user.shell : adduser_system ? "/usr/sbin/nologin" : "/bin/sh";
  entry.shadow_password = "!";
  entry.system = user.system;
  db.users.push_back(std::move(entry));
  return {};
}

std::string render_passwd(const AccountDb& db, bool shadowed) {
  std::string out;
  for (const auto& u : db.users) {
    out += fmt::format("{}:{}:{}:{}:{}:{}:{}\n", u.name, shadowed ? "x" : u.password, u.uid, u.gid,
                       u.gecos, u.home, u.shell);
  }
  return out;
}

std::string render_group(const AccountDb& db, bool shadowed) {
  std::string out;
  for (const auto& g : db.groups) {
    out += fmt::format("{}:{}:{}:{}\n", g.name, shadowed ? "x" : g.password, g.gid, join(g.members));
  }
  return out;
}

std::string render_shadow(const AccountDb& db, std::int64_t lastchg_days) {
  std::string out;
  for (const auto& u : db.users) {
    if (u.system && u.shadow_password == "!") {
      out += fmt::format("{}:{}:{}::::::\n", u.name, u.shadow_password, lastchg_days);
    } else {
      out += fmt::format("{}:{}:{}:0:99999:7:::\n", u.name, u.shadow_password, lastchg_days);
    }
  }
  return out;
}

std::string render_gshadow(const AccountDb& db) {
  std::string out;
  for (const auto& g : db.groups) {
    out += fmt::format("{}:{}::{}\n", g.name, g.shadow_password, join(g.members));
  }
  return out;
}

namespace {

// distroless' minimal set (debian-without-dpkg.md 2.8) without its nonroot
// user, for images that do not install base-passwd.
constexpr std::string_view k_minimal_passwd =
    "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n";
constexpr std::string_view k_minimal_group = "root:x:0:\ntty:x:5:\nstaff:x:50:\nnogroup:x:65534:\n";

Result<void> add_home(const PasswdEntry& user, const fs::Tree& image, std::int64_t mtime,
                      fs::Tree& out) {
  fs::Entry home = fs::make_directory(0755, mtime);
  home.uid = user.uid;
  home.gid = user.gid;
  if (auto ok = put(out, user.home, home); !ok) {
    return ok;
  }
  // useradd -m copies /etc/skel.
  for (const auto& child : image.children("/etc/skel")) {
    const fs::Entry* source = image.link_source(child);
    if (source == nullptr) {
      continue;
    }
    fs::Entry copy = *source;
    copy.type = fs::EntryType::regular;
    copy.uid = user.uid;
    copy.gid = user.gid;
    copy.mtime = mtime;
    if (auto ok = put(out, user.home + "/" + std::string(fs::base_name(child)), copy); !ok) {
      return ok;
    }
  }
  return {};
}

} // namespace

Result<void> generate_accounts(const Context& context, const AccountRequests& requests,
                               fs::Tree& out, std::vector<Finding>& findings) {
  const fs::Tree& image = *context.image;
  std::string passwd_master(k_minimal_passwd);
  std::string group_master(k_minimal_group);
  if (context.has("base-passwd")) {
    passwd_master = read_image_file(image, "/usr/share/base-passwd/passwd.master");
    group_master = read_image_file(image, "/usr/share/base-passwd/group.master");
    if (passwd_master.empty() || group_master.empty()) {
      return fail("base-passwd is installed but its master files are missing");
    }
  }
  auto db = parse_accounts(passwd_master, group_master);
  if (!db) {
    return std::unexpected(db.error().context("base-passwd master files"));
  }
  const AccountDb master = *db;
  const std::int64_t days = context.epoch / 86400;

  if (auto ok = add_system_accounts(context, *db, findings); !ok) {
    return ok;
  }
  for (const auto& group : requests.groups) {
    if (auto ok = add_group(*db, group); !ok) {
      return std::unexpected(ok.error());
    }
  }
  for (const auto& user : requests.users) {
    if (auto ok = add_user(*db, user, IdPolicy::useradd, days); !ok) {
      return ok;
    }
  }

  const bool shadowed = context.has("passwd");
  const std::int64_t t = context.epoch;
  auto ok = put(out, "/etc/passwd", generated_file(render_passwd(*db, shadowed), 0644, t));
  ok = ok ? put(out, "/etc/group", generated_file(render_group(*db, shadowed), 0644, t)) : ok;
  if (ok && shadowed) {
    // pwconv/grpconv leave the pre-conversion files as backups.
    ok = put(out, "/etc/passwd-", generated_file(render_passwd(master, false), 0600, t));
    ok = ok ? put(out, "/etc/group-", generated_file(render_group(master, false), 0644, t)) : ok;
    ok = ok ? put(out, "/etc/shadow", generated_file(render_shadow(*db, days), 0640, t, 0, k_shadow_gid)) : ok;
    ok = ok ? put(out, "/etc/gshadow", generated_file(render_gshadow(*db), 0640, t, 0, k_shadow_gid)) : ok;
    ok = ok ? put(out, "/etc/.pwd.lock", generated_file("", 0600, t)) : ok;
  }
  if (!ok) {
    return ok;
  }
  for (const auto& request : requests.users) {
    if (request.create_home) {
      const PasswdEntry* user = db->user(request.name);
      if (auto home = add_home(*user, image, t, out); !home) {
        return home;
      }
    }
  }
  return {};
}

} // namespace distill::backend::deb::generators
