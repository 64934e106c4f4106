#pragma once

// What one shell command does to apt: `apt-get install -y --no-install-recommends
// curl=7.88*`, `apt-mark auto '.*'`, `rm -rf /var/lib/apt/lists/*`, ... read
// into an AptCommand that says whether it has a declarative form and, when
// not, why. The RUN rewrite (run_rewrite.hpp) and the linter build on this.

#include "planner/ir.hpp"
#include "planner/shell/expand.hpp"
#include "planner/shell/syntax.hpp"

#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace distill::planner::rewrite {

enum class AptAction {
  none,        // not an apt command
  update,      // apt-get update
  install,     // apt-get / apt install
  upgrade,     // upgrade, dist-upgrade, full-upgrade
  remove,      // apt-get remove (without --purge)
  purge,       // apt-get purge, remove --purge
  autoremove,  // apt-get autoremove
  clean,       // apt-get clean/autoclean/dist-clean; rm of apt lists or caches
  mark,        // apt-mark auto / manual
  save_manual, // NAME="$(apt-mark showmanual)"
  query,       // reads only: apt-cache, apt-mark showmanual, apt list/show/policy
  other,       // an apt or dpkg command without a declarative form (source, dpkg -i, apt-key, ...)
};

// The context a command is read in.
struct AptContext {
  const shell::Environment* environment = nullptr; // what $x holds (null: see `variables`)
  const shell::Variables* variables = nullptr;     // or just known values, when `environment` is null
  std::vector<std::string> saved_manual;       // variables holding a recorded `apt-mark showmanual`
};

struct AptCommand {
  AptAction action = AptAction::none;
  std::string tool;       // "apt-get", "apt", "apt-mark", "rm", "dpkg", "aptitude", ...
  std::string subcommand; // "install", "purge", "auto", ...
  std::vector<PackageRequest> packages;  // install
  std::vector<std::string> names;        // remove/purge/mark: names or apt-mark patterns
  std::optional<bool> recommends;        // install: set by --[no-]install-recommends or -o
  bool auto_remove = false;              // --auto-remove, autoremove
  bool autoremove_keeps_recommends = true; // -o APT::AutoRemove::RecommendsImportant
  std::string default_release;           // -t
  std::string upgrade;                   // "upgrade" | "dist-upgrade"
  std::string save_manual;               // save_manual: the variable name
  std::string restore_manual;            // mark manual $savedAptMark: the variable name
  std::vector<std::string> cleaned_paths; // clean: what is removed
  bool needs_lists = false;     // reads the package lists (install, upgrade, apt-cache, ...)
  bool changes_sources = false; // adds apt sources, keys or architectures
  std::string refusal;          // non-empty: no declarative form, and why
  std::string cause;            // short key of the refusal ("local-deb", "variable-package-list", ...)
  std::vector<std::string> findings; // worth telling even when rewritten (apt-get upgrade)

  bool declarative() const { return action != AptAction::none && refusal.empty(); }
};

// Reads one simple command (env prefix and wrappers such as `sudo`, `env` and
// `nice` allowed: planner/shell/wrappers.hpp) as an apt step. Never fails:
// commands that are not about apt give AptAction::none.
AptCommand read_apt_command(const shell::SimpleCommand& command, const AptContext& context);

// True when the command runs `apt-get install` or `apt install` in any form,
// even one the rewrite cannot read (`xargs apt-get install`, `sh -c '...'`).
bool mentions_apt_install(const shell::SimpleCommand& command);

// True for the paths apt fills and images clean: /var/lib/apt/lists/...,
// /var/cache/apt/...
bool is_apt_cache_path(std::string_view path);

// True when writing `content` to `path` (or copying an unknown file there:
// content nullptr) can change what apt installs: sources, keys, pinning,
// auth, or apt settings such as APT::Install-Recommends.
bool changes_apt_sources(std::string_view path, const std::string* content);

// True when shell text mentions a way of changing apt's sources or keys
// (sources.list, keyrings, apt-key, add-apt-repository, --add-architecture).
bool mentions_apt_sources(std::string_view text);

// Why one field of install's package list names no package: a cause key
// and a reason, as in AptCommand::cause and AptCommand::refusal.
struct PackageRefusal {
  std::string cause;
  std::string reason;
};

// The request that `field`, one field of `apt-get install`'s package list
// expanded from `word`, names. Fails for a local .deb, a pattern, `name-`
// (install's way of removing) and what is no package name.
std::expected<PackageRequest, PackageRefusal> install_request(const std::string& field, const shell::Word& word);

// Reads `name[:arch][=version|/release]`; nullopt when it is not a package
// name (a path, a pattern, a name ending in '-').
std::optional<PackageRequest> parse_package_request(std::string_view text);

} // namespace distill::planner::rewrite
