#include "planner/rewrite/user_ops.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace distill::planner::rewrite {
namespace {

struct Parsed {
  std::vector<std::pair<std::string, std::string>> options; // name (letter or long name), value
  std::vector<std::string> operands;
  std::string error;
};

// getopt_long-style reading: `short_values` letters and `long_values` names take a value.
Parsed parse_options(const std::vector<LiteralArg>& args, std::string_view short_values,
                     std::initializer_list<std::string_view> long_values) {
  Parsed parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& text = args[i].text;
    if (text == "--") {
      for (++i; i < args.size(); ++i) parsed.operands.push_back(args[i].text);
      break;
    }
    if (args[i].quoted || text.size() < 2 || text.front() != '-') {
      parsed.operands.push_back(text);
      continue;
    }
    if (text.starts_with("--")) {
      const auto equals = text.find('=');
      const std::string name = text.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
      if (std::ranges::find(long_values, name) != long_values.end()) {
        if (equals != std::string::npos) {
          parsed.options.emplace_back(name, text.substr(equals + 1));
        } else if (i + 1 < args.size()) {
          parsed.options.emplace_back(name, args[++i].text);
        } else {
          parsed.error = "--" + name + " needs a value";
        }
      } else {
        parsed.options.emplace_back(name, "");
      }
      continue;
    }
    for (std::size_t k = 1; k < text.size(); ++k) {
      const std::string letter(1, text[k]);
      if (short_values.find(text[k]) != std::string_view::npos) {
        if (k + 1 < text.size()) {
          parsed.options.emplace_back(letter, text.substr(k + 1));
        } else if (i + 1 < args.size()) {
          parsed.options.emplace_back(letter, args[++i].text);
        } else {
          parsed.error = "-" + letter + " needs a value";
        }
        break;
      }
      parsed.options.emplace_back(letter, "");
    }
  }
  return parsed;
}

std::optional<unsigned> number(const std::string& text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

bool valid_name(const std::string& name) {
  return !name.empty() && name.size() <= 32 && name.front() != '-' &&
         std::ranges::all_of(name, [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '$';
         });
}

FileOpResult refused(std::string cause, std::string reason) {
  FileOpResult result;
  result.recognized = true;
  result.cause = std::move(cause);
  result.refusal = std::move(reason);
  return result;
}

FileOpResult with(Op op) {
  FileOpResult result;
  result.recognized = true;
  result.ops.push_back(std::move(op));
  return result;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) parts.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return parts;
}

FileOpResult read_useradd(const std::vector<LiteralArg>& args) {
  const Parsed parsed = parse_options(args, "ugGdbscpkefK",
                                      {"uid", "gid", "groups", "home-dir", "home", "base-dir", "shell", "comment",
                                       "password", "skel", "expiredate", "inactive", "key", "root", "prefix"});
  if (!parsed.error.empty()) return refused("user-op-option", "useradd " + parsed.error);
  if (parsed.operands.size() != 1 || !valid_name(parsed.operands[0])) {
    return refused("user-op-option", "useradd needs exactly one user name");
  }
  AddUser user;
  user.tool = "useradd";
  user.name = parsed.operands[0];
  bool user_group = false, no_user_group = false;
  std::string base;
  for (const auto& [name, value] : parsed.options) {
    if (name == "r" || name == "system") user.system = true;
    else if (name == "m" || name == "create-home") user.create_home = true;
    else if (name == "M" || name == "no-create-home") user.create_home = false;
    else if (name == "U" || name == "user-group") user_group = true;
    else if (name == "N" || name == "no-user-group") no_user_group = true;
    else if (name == "l" || name == "no-log-init" || name == "o" || name == "non-unique") {
    } else if (name == "u" || name == "uid") {
      user.uid = number(value);
      if (!user.uid) return refused("user-op-option", "useradd -u '" + value + "' is not a number");
    } else if (name == "g" || name == "gid") {
      if (auto gid = number(value)) user.gid = gid;
      else user.group = value;
    } else if (name == "G" || name == "groups") user.groups = split_commas(value);
    else if (name == "d" || name == "home-dir" || name == "home") user.home = value;
    else if (name == "b" || name == "base-dir") base = value;
    else if (name == "s" || name == "shell") user.shell = value;
    else if (name == "c" || name == "comment") user.gecos = value;
    else return refused("user-op-option", "useradd option " + std::string(name.size() == 1 ? "-" : "--") + name + " is not modelled");
  }
  if (user.home.empty() && !base.empty()) {
    user.home = base + (base.ends_with("/") ? "" : "/") + user.name;
  }
  const bool group_given = user.gid.has_value() || !user.group.empty();
  user.create_group = user_group || (!no_user_group && !group_given);
  return with(std::move(user));
}

FileOpResult read_groupadd(const std::vector<LiteralArg>& args) {
  const Parsed parsed = parse_options(args, "gKp", {"gid", "key", "password", "root", "prefix"});
  if (!parsed.error.empty()) return refused("user-op-option", "groupadd " + parsed.error);
  if (parsed.operands.size() != 1 || !valid_name(parsed.operands[0])) {
    return refused("user-op-option", "groupadd needs exactly one group name");
  }
  AddGroup group;
  group.tool = "groupadd";
  group.name = parsed.operands[0];
  for (const auto& [name, value] : parsed.options) {
    if (name == "r" || name == "system") group.system = true;
    else if (name == "f" || name == "force" || name == "o" || name == "non-unique") {
    } else if (name == "g" || name == "gid") {
      group.gid = number(value);
      if (!group.gid) return refused("user-op-option", "groupadd -g '" + value + "' is not a number");
    } else return refused("user-op-option", "groupadd option " + std::string(name.size() == 1 ? "-" : "--") + name + " is not modelled");
  }
  return with(std::move(group));
}

// Debian's adduser/addgroup (long options).
FileOpResult read_debian_adduser(const std::string& tool, const std::vector<LiteralArg>& args) {
  const Parsed parsed = parse_options(args, "", {"home", "shell", "gecos", "comment", "uid", "gid", "ingroup",
                                                 "firstuid", "lastuid", "firstgid", "lastgid", "conf", "add-extra-groups"});
  if (!parsed.error.empty()) return refused("user-op-option", tool + " " + parsed.error);
  bool system = false, group_flag = false, disabled = false, no_home = false;
  AddUser user;
  user.tool = "adduser";
  for (const auto& [name, value] : parsed.options) {
    if (name == "system") system = true;
    else if (name == "group") group_flag = true;
    else if (name == "disabled-password" || name == "disabled-login") disabled = true;
    else if (name == "no-create-home") no_home = true;
    else if (name == "quiet" || name == "q" || name == "force-badname" || name == "allow-badname" ||
             name == "allow-bad-names" || name == "debug") {
    } else if (name == "home") user.home = value;
    else if (name == "shell") user.shell = value;
    else if (name == "gecos" || name == "comment") user.gecos = value;
    else if (name == "uid") {
      user.uid = number(value);
      if (!user.uid) return refused("user-op-option", tool + " --uid '" + value + "' is not a number");
    } else if (name == "gid") {
      user.gid = number(value);
      if (!user.gid) return refused("user-op-option", tool + " --gid '" + value + "' is not a number");
    } else if (name == "ingroup") user.group = value;
    else return refused("user-op-option", tool + " --" + name + " is not modelled");
  }
  if (parsed.operands.size() == 2) {
    return refused("group-membership", tool + " USER GROUP adds a user to a group");
  }
  if (parsed.operands.size() != 1 || !valid_name(parsed.operands[0])) {
    return refused("user-op-option", tool + " needs exactly one name");
  }
  if (tool == "addgroup" || (group_flag && !system)) {
    AddGroup group;
    group.tool = "addgroup";
    group.name = parsed.operands[0];
    group.system = system;
    group.gid = user.gid;
    return with(std::move(group));
  }
  user.name = parsed.operands[0];
  user.system = system;
  if (!system && !disabled) {
    return refused("interactive-adduser", "adduser without --disabled-password asks for a password");
  }
  user.create_home = !no_home && !system;
  if (system && !user.home.empty() && !no_home) {
    user.create_home = true; // --system --home DIR creates DIR
  }
  user.create_group = system ? group_flag : (user.group.empty() && !user.gid);
  return with(std::move(user));
}

FileOpResult read_busybox_adduser(const std::string& tool, const std::vector<LiteralArg>& args) {
  if (tool == "addgroup") {
    const Parsed parsed = parse_options(args, "g", {});
    if (!parsed.error.empty()) return refused("user-op-option", tool + " " + parsed.error);
    if (parsed.operands.size() == 2) {
      return refused("group-membership", "addgroup USER GROUP adds a user to a group");
    }
    if (parsed.operands.size() != 1 || !valid_name(parsed.operands[0])) {
      return refused("user-op-option", "addgroup needs exactly one name");
    }
    AddGroup group;
    group.tool = "busybox";
    group.name = parsed.operands[0];
    for (const auto& [name, value] : parsed.options) {
      if (name == "S") group.system = true;
      else if (name == "g") {
        group.gid = number(value);
        if (!group.gid) return refused("user-op-option", "addgroup -g '" + value + "' is not a number");
      } else return refused("user-op-option", "addgroup -" + name + " is not modelled");
    }
    return with(std::move(group));
  }
  const Parsed parsed = parse_options(args, "hgsGuk", {});
  if (!parsed.error.empty()) return refused("user-op-option", tool + " " + parsed.error);
  if (parsed.operands.size() == 2) {
    return refused("group-membership", "adduser USER GROUP adds a user to a group");
  }
  if (parsed.operands.size() != 1 || !valid_name(parsed.operands[0])) {
    return refused("user-op-option", "adduser needs exactly one name");
  }
  AddUser user;
  user.tool = "busybox";
  user.name = parsed.operands[0];
  bool no_password = false, no_home = false;
  for (const auto& [name, value] : parsed.options) {
    if (name == "S") user.system = true;
    else if (name == "D") no_password = true;
    else if (name == "H") no_home = true;
    else if (name == "h") user.home = value;
    else if (name == "g") user.gecos = value;
    else if (name == "s") user.shell = value;
    else if (name == "G") user.group = value;
    else if (name == "u") {
      user.uid = number(value);
      if (!user.uid) return refused("user-op-option", "adduser -u '" + value + "' is not a number");
    } else return refused("user-op-option", "adduser -" + name + " is not modelled");
  }
  if (!no_password && !user.system) {
    return refused("interactive-adduser", "adduser without -D asks for a password");
  }
  user.create_home = !no_home;
  user.create_group = user.group.empty();
  return with(std::move(user));
}

} // namespace

FileOpResult read_user_op(const std::string& tool, const std::vector<LiteralArg>& args) {
  if (tool == "useradd") {
    return read_useradd(args);
  }
  if (tool == "groupadd") {
    return read_groupadd(args);
  }
  const bool debian = std::ranges::any_of(args, [](const LiteralArg& arg) { return !arg.quoted && arg.text.starts_with("--"); });
  const bool busybox = std::ranges::any_of(args, [](const LiteralArg& arg) {
    return !arg.quoted && arg.text.size() >= 2 && arg.text[0] == '-' && arg.text[1] != '-';
  });
  if (debian || !busybox) {
    if (tool == "adduser" && !debian) {
      return refused("interactive-adduser", "adduser without options asks for a password");
    }
    return read_debian_adduser(tool, args);
  }
  return read_busybox_adduser(tool, args);
}

} // namespace distill::planner::rewrite
