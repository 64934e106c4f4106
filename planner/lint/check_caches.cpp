// Package managers' caches left in the layer: pip (DL3042), apk (DL3019),
// npm, yarn (DL3060), yum (DL3032), dnf/microdnf (DL3040), zypper (DL3036).
// A cache is fine when the command is told not to keep one, when the RUN
// cleans it, or when a cache/tmpfs mount keeps it out of the layer.

#include "planner/lint/run_view.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

namespace distill::planner::lint {
namespace {

using frontend::MountType;
using frontend::RunMount;

bool has_word(const ShellArgs& args, std::initializer_list<std::string_view> words) {
  return std::ranges::any_of(args.values, [&](const std::string& value) {
    return std::ranges::find(words, value) != words.end();
  });
}

bool pip_install(const ShellArgs& args) {
  const std::string_view name = args.name();
  std::size_t from = args.first + 1;
  if (name.starts_with("python")) {
    if (from + 1 >= args.values.size() || args.values[from] != "-m" || !args.values[from + 1].starts_with("pip")) {
      return false;
    }
    from += 2;
  } else if (!(name.starts_with("pip") && (name.size() == 3 || std::isdigit(static_cast<unsigned char>(name[3]))))) {
    return false;
  }
  for (std::size_t i = from; i < args.values.size(); ++i) {
    if (!args.values[i].starts_with('-')) return args.values[i] == "install";
  }
  return false;
}

bool named(const ShellArgs& args, std::initializer_list<std::string_view> names,
           std::initializer_list<std::string_view> subcommands) {
  if (std::ranges::find(names, args.name()) == names.end()) return false;
  return std::ranges::find(subcommands, subcommand(args)) != subcommands.end();
}

// `~`, `$HOME`, /root and /home/<user> all mean "the user's home" here: caches
// in home folders are found whichever user runs the command.
std::string home_relative(std::string_view path) {
  for (std::string_view home : {"${HOME}", "$HOME", "~", "/root"}) {
    if (path.starts_with(home)) return "~" + std::string(path.substr(home.size()));
  }
  if (path.starts_with("/home/")) {
    const std::size_t slash = path.find('/', 6);
    return slash == std::string_view::npos ? "~" : "~" + std::string(path.substr(slash));
  }
  return std::string(path);
}

bool under(std::string_view path, std::string_view folder) {
  return path == folder || (path.starts_with(folder) && (folder.ends_with('/') || path[folder.size()] == '/'));
}

struct CacheRule {
  std::string_view rule;
  bool (*leaves_cache)(const ShellArgs&); // the command fills the cache
  bool (*cleans)(const ShellArgs&);       // the command empties it
  std::array<std::string_view, 3> paths;  // where the cache lives ("~" = the user's home)
  std::string_view what;
};

const std::array<CacheRule, 7>& cache_rules() {
  static const std::array<CacheRule, 7> k_rules = {{
      {"pip-cache-left",
       [](const ShellArgs& a) { return pip_install(a) && !has_word(a, {"--no-cache-dir", "--no-cache"}); },
       [](const ShellArgs& a) { return a.name().starts_with("pip") && subcommand(a) == "cache"; },
       {"~/.cache/pip", "~/.cache", ""},
       "pip install keeps its download cache in the layer"},
      {"apk-cache-left", [](const ShellArgs& a) { return named(a, {"apk"}, {"add"}) && !has_word(a, {"--no-cache"}); },
       [](const ShellArgs& a) { return named(a, {"apk"}, {"cache"}); },
       {"/var/cache/apk", "/etc/apk/cache", ""},
       "apk add without --no-cache keeps the package index in the layer"},
      {"npm-cache-left", [](const ShellArgs& a) { return named(a, {"npm"}, {"ci", "install", "i"}); },
       [](const ShellArgs& a) { return named(a, {"npm"}, {"cache"}); },
       {"~/.npm", "", ""},
       "npm keeps its package cache (~/.npm) in the layer"},
      {"yarn-cache-left",
       [](const ShellArgs& a) { return a.name() == "yarn" && (subcommand(a).empty() || subcommand(a) == "install"); },
       [](const ShellArgs& a) { return named(a, {"yarn"}, {"cache"}); },
       {"~/.cache/yarn", "/usr/local/share/.cache/yarn", "~/.yarn/berry/cache"},
       "yarn install keeps its package cache in the layer"},
      {"yum-cache-left", [](const ShellArgs& a) { return named(a, {"yum"}, {"install", "update", "upgrade"}); },
       [](const ShellArgs& a) { return named(a, {"yum"}, {"clean"}); },
       {"/var/cache/yum", "", ""},
       "yum keeps its metadata and package cache in the layer"},
      {"dnf-cache-left",
       [](const ShellArgs& a) { return named(a, {"dnf", "microdnf", "tdnf"}, {"install", "update", "upgrade"}); },
       [](const ShellArgs& a) { return named(a, {"dnf", "microdnf", "tdnf"}, {"clean"}); },
       {"/var/cache/dnf", "/var/cache/yum", ""},
       "dnf keeps its metadata and package cache in the layer"},
      {"zypper-cache-left",
       [](const ShellArgs& a) { return named(a, {"zypper"}, {"install", "in", "update", "up", "patch", "dist-upgrade", "dup"}); },
       [](const ShellArgs& a) { return named(a, {"zypper"}, {"clean", "cc"}); },
       {"/var/cache/zypp", "", ""},
       "zypper keeps its package cache in the layer"},
  }};
  return k_rules;
}

bool removes(const ShellArgs& args, const CacheRule& rule) {
  if (args.name() != "rm") return false;
  for (std::size_t i = args.first + 1; i < args.values.size(); ++i) {
    const std::string value = home_relative(args.values[i]);
    for (std::string_view path : rule.paths) {
      // `rm -rf /var/cache/apk/*` empties the folder as well as removing it.
      if (!path.empty() && (under(value, path) || under(path, value))) return true;
    }
  }
  return false;
}

bool mounted(const RunView& view, const CacheRule& rule) {
  return std::ranges::any_of(view.run->mounts, [&](const RunMount& mount) {
    if (mount.type != MountType::cache && mount.type != MountType::tmpfs) return false;
    const std::string target = home_relative(mount.target);
    return std::ranges::any_of(rule.paths, [&](std::string_view path) { return !path.empty() && under(path, target); });
  });
}

// Environment settings that turn a cache off (PIP_NO_CACHE_DIR=1 pip install).
bool disabled_by_env(const RunView& view, const RunCommandView& command, const CacheRule& rule) {
  if (rule.rule != "pip-cache-left") return false;
  const auto off = [](std::string_view value) { return value != "0" && value != "false" && value != "off" && value != "no"; };
  for (const auto& assignment : command.command().assignments) {
    if (assignment.name == "PIP_NO_CACHE_DIR" && off(assignment.value.text)) return true;
  }
  return std::ranges::any_of(view.step->env, [&](const auto& pair) {
    return pair.first == "PIP_NO_CACHE_DIR" && off(pair.second);
  });
}

} // namespace

void check_caches(const LintContext& context, const RunView& view) {
  for (const CacheRule& rule : cache_rules()) {
    const auto filler = std::ranges::find_if(view.commands, [&](const RunCommandView& command) {
      return rule.leaves_cache(command.args) && !disabled_by_env(view, command, rule);
    });
    if (filler == view.commands.end()) continue;
    const bool cleaned = std::ranges::any_of(view.commands, [&](const RunCommandView& command) {
      return rule.cleans(command.args) || removes(command.args, rule);
    });
    if (cleaned || mounted(view, rule)) continue;
    context.report(rule.rule, filler->where(), std::string(rule.what));
  }
}

} // namespace distill::planner::lint
