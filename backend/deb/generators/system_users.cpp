#include "backend/deb/generators/system_users.hpp"

#include "backend/deb/generators/shell_words.hpp"

#include <algorithm>
#include <charconv>

namespace distill::backend::deb::generators {

using support::Result;

namespace {

std::optional<unsigned> to_id(std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty()
             ? std::optional<unsigned>(value)
             : std::nullopt;
}

bool is_account_tool(std::string_view word) {
  return word == "adduser" || word == "addgroup" || word == "useradd" || word == "groupadd";
}

// Options that only affect output, checks or passwords: no effect on the files.
bool is_quiet_option(std::string_view option) {
  return option == "--quiet" || option == "-q" || option == "--force-badname" ||
         option == "--allow-bad-names" || option == "--disabled-password" ||
         option == "--disabled-login" || option == "--no-create-home" || option == "-M" ||
         option == "--no-log-init" || option == "-l" || option == "-N" ||
         option == "--no-user-group" || option == "--firstuid" || option == "--lastuid";
}

} // namespace

std::optional<AccountCommand> parse_account_command(const std::vector<std::string>& words,
                                                    std::string& why) {
  AccountCommand command;
  const std::string& tool = words.at(0);
  const bool adduser_style = tool == "adduser" || tool == "addgroup";
  command.policy = adduser_style ? IdPolicy::adduser : IdPolicy::useradd;
  command.is_group = tool == "addgroup" || tool == "groupadd";
  bool system = false;
  bool own_group = false; // adduser --group
  std::vector<std::string> names;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.starts_with('>') || w.starts_with("2>") || w == "/dev/null") {
      continue; // redirections
    }
    if (has_expansion(w)) {
      why = "computed argument '" + w + "'";
      return std::nullopt;
    }
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 < words.size()) {
        return words[++i];
      }
      return std::nullopt;
    };
    if (w == "--system" || w == "-r") {
      system = true;
    } else if (w == "--group" && adduser_style) {
      own_group = true;
    } else if (is_quiet_option(w)) {
      continue;
    } else if (w == "--home" || w == "-d" || w == "--home-dir") {
      auto v = value();
      command.user.home = v.value_or("");
    } else if (w == "--shell" || w == "-s") {
      command.user.shell = value().value_or("");
    } else if (w == "--gecos" || w == "-c" || w == "--comment") {
      command.user.gecos = value().value_or("");
    } else if (w == "--ingroup" || w == "-g" || w == "--gid") {
      const auto v = value().value_or("");
      if (auto id = to_id(v)) {
        command.user.gid = *id;
        command.group.gid = *id;
      } else {
        command.user.group = v;
      }
    } else if (w == "--uid" || w == "-u") {
      const auto id = to_id(value().value_or(""));
      if (!id) {
        why = "bad uid";
        return std::nullopt;
      }
      command.user.uid = *id;
    } else if (w == "-m" || w == "--create-home") {
      command.user.create_home = true;
    } else if (w == "-G" || w == "--groups") {
      std::string_view list = value().value_or("");
      while (!list.empty()) {
        const auto comma = list.find(',');
        command.user.groups.emplace_back(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
      }
    } else if (w.starts_with('-')) {
      why = "option '" + w + "' is not modelled";
      return std::nullopt;
    } else {
      names.push_back(w);
    }
  }
  if (names.size() == 2 && adduser_style && !command.is_group) {
    // "adduser USER GROUP" adds an existing user to a group.
    why = "adding a user to a group is not modelled";
    return std::nullopt;
  }
  if (names.size() != 1) {
    why = "expected one account name";
    return std::nullopt;
  }
  command.user.name = command.group.name = names.front();
  command.user.system = command.group.system = system;
  if (own_group && command.user.group.empty() && !command.user.gid) {
    command.user.group = names.front(); // adduser --system --group: a same-named group first
  }
  return command;
}

namespace {

Result<void> apply(AccountDb& db, const AccountCommand& command, bool create_own_group) {
  if (command.is_group) {
    return add_group(db, command.group, command.policy);
  }
  if (db.user(command.user.name) != nullptr) {
    return {}; // already there (base-passwd's _apt, or a second postinst run)
  }
  if (create_own_group && db.group(command.user.group) == nullptr) {
    planner::AddGroup group;
    group.name = command.user.group;
    group.system = true;
    if (auto ok = add_group(db, group, command.policy); !ok) {
      return ok;
    }
  }
  return add_user(db, command.user, command.policy);
}

// sysusers.d(5): "u name id gecos home shell", "g name id", "m user group".
void add_sysusers(const Context& context, const Installed& package, AccountDb& db,
                  std::vector<Finding>& findings) {
  for (const auto& path : package.deb->data.children("/usr/lib/sysusers.d")) {
    const std::string text = read_image_file(package.deb->data, path);
    for (const auto& line : shell_lines(text)) {
      const auto& w = line.words;
      auto field = [&](std::size_t i) { return i < w.size() && w[i] != "-" ? w[i] : std::string(); };
      if (w.size() >= 2 && (w[0] == "u" || w[0] == "g")) {
        AccountCommand command;
        command.policy = IdPolicy::useradd;
        command.is_group = w[0] == "g";
        command.user.name = command.group.name = w[1];
        command.user.system = command.group.system = true;
        const std::string id = field(2);
        if (!id.empty()) {
          const auto slash = id.find(':');
          const auto uid = to_id(id.substr(0, slash));
          if (!uid) {
            findings.push_back({package.name, "sysusers.d " + line.text + ": id not modelled"});
            continue;
          }
          command.user.uid = *uid;
          command.group.gid = *uid;
          if (slash != std::string::npos) {
            command.user.group = id.substr(slash + 1);
          }
        }
        command.user.gecos = field(3);
        command.user.home = field(4).empty() ? "/" : field(4);
        command.user.shell = field(5).empty() ? "/usr/sbin/nologin" : field(5);
        if (!command.is_group && command.user.group.empty()) {
          command.user.group = w[1];
        }
        if (auto ok = apply(db, command, !command.is_group); !ok) {
          findings.push_back({package.name, "sysusers.d " + line.text + ": " + ok.error().message});
        }
      } else if (w.size() >= 3 && w[0] == "m") {
        bool found = false;
        for (auto& group : db.groups) {
          if (group.name == w[2]) {
            found = true;
            if (std::find(group.members.begin(), group.members.end(), w[1]) == group.members.end()) {
              group.members.push_back(w[1]);
            }
          }
        }
        if (!found) {
          findings.push_back({package.name, "sysusers.d " + line.text + ": no such group"});
        }
      } else if (!w.empty()) {
        findings.push_back({package.name, "sysusers.d line not modelled: " + line.text});
      }
    }
  }
  (void)context;
}

} // namespace

Result<void> add_system_accounts(const Context& context, AccountDb& db,
                                 std::vector<Finding>& findings) {
  for (const auto& package : context.packages) {
    add_sysusers(context, package, db, findings);
    for (const char* script : {"preinst", "postinst"}) {
      for (const auto& line : shell_lines(package.deb->control.member(script))) {
        // "getent passwd x || adduser ..." gives two commands; find the tool.
        auto start = std::find_if(line.words.begin(), line.words.end(),
                                  [](const std::string& w) { return is_account_tool(w); });
        if (start == line.words.end() || start != line.words.begin()) {
          continue;
        }
        std::vector<std::string> words(start, line.words.end());
        std::string why;
        auto command = parse_account_command(words, why);
        if (!command) {
          findings.push_back({package.name, std::string(script) + ": '" + line.text + "': " + why});
          continue;
        }
        if (auto ok = apply(db, *command, !command->is_group && !command->user.group.empty() &&
                                              command->user.group == command->user.name);
            !ok) {
          findings.push_back({package.name, std::string(script) + ": '" + line.text + "': " +
                                                ok.error().message});
        }
      }
    }
  }
  return {};
}

} // namespace distill::backend::deb::generators
