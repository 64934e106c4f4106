#include "backend/deb/generators/maintscripts.hpp"

#include "backend/deb/generators/package_effects.hpp"
#include "backend/deb/generators/shell_words.hpp"

#include <algorithm>
#include <array>

namespace distill::backend::deb::generators {

namespace {

// Scripts whose effects on a first install are nil or are upgrade-only
// clean-ups, checked by reading the bookworm minbase packages' scripts.
constexpr std::array<std::string_view, 24> k_no_effect = {
    "apt",        "bash",        "coreutils",   "dash",        "debconf",
    "debian-archive-keyring",    "dpkg",        "e2fsprogs",   "init-system-helpers",
    "libc6",      "libgcrypt20", "libpam0g",    "libssl3",     "mawk",
    "openssl",    "perl-base",   "tar",         "usr-is-merged", "util-linux",
    "util-linux-extra", "adduser", "libpam-modules-bin", "libsemanage-common", "ncurses-base"};

// debhelper autoscripts: which are modelled or harmless to skip in an image.
constexpr std::array<std::string_view, 20> k_safe_autoscripts = {
    "dh_installdeb",     "dh_makeshlibs",   "dh_installmenu",   "dh_installdebconf",
    "dh_python3",        "dh_python2",      "dh_pypy",          "dh_icons",
    "dh_installmime",    "dh_usrlocal",     "dh_installalternatives", "dh_installinit",
    "dh_installsystemd", "dh_systemd_enable", "dh_systemd_start", "dh_installsysusers",
    "dh_installudev",    "dh_apparmor",     "dh_installinfo",   "dh_installgsettings"};

// Commands that only steer the script, print, ask debconf, or that distill
// models elsewhere (alternatives, accounts, init links, systemd units).
constexpr std::array<std::string_view, 47> k_safe_commands = {
    "set", "exit", "echo", "printf", "true", "false", ":", "fi", "esac", "then", "else", "elif",
    "do", "done", "case", "shift", "return", "local", "}", "{", "if", "while", "for", "until",
    "[", "test", "break", "continue", "export", "unset", ".", "!", "update-alternatives",
    "adduser", "addgroup", "useradd", "groupadd", "update-rc.d", "deb-systemd-helper",
    "deb-systemd-invoke", "systemctl", "invoke-rc.d", "dpkg-maintscript-helper", "ldconfig",
    "dpkg-trigger", "py3compile", "pyclean"};

bool contains(auto& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

bool safe_line(const std::vector<std::string>& words) {
  const std::string& w = words.front();
  if (contains(k_safe_commands, w) || w.starts_with("db_") || w.ends_with(")") ||
      w.ends_with("()") || w == ";;") {
    return true;
  }
  // VAR=value assignments and function definitions "name() {"
  const auto eq = w.find('=');
  if (eq != std::string::npos && eq > 0 && w.find_first_of("/ ") > eq) {
    return words.size() == 1;
  }
  return words.size() >= 2 && (words[1] == "()" || words[1] == "(){");
}

// Splits a script into debhelper autoscript blocks (tool name -> body) and
// the hand-written rest.
void split_autoscripts(std::string_view script, std::vector<std::string>& tools, std::string& rest) {
  std::size_t start = 0;
  bool inside = false;
  while (start < script.size()) {
    auto end = script.find('\n', start);
    if (end == std::string_view::npos) {
      end = script.size();
    }
    const auto line = script.substr(start, end - start);
    start = end + 1;
    constexpr std::string_view k_begin = "# Automatically added by ";
    if (line.starts_with(k_begin)) {
      auto tool = line.substr(k_begin.size());
      tools.emplace_back(tool.substr(0, tool.find('/')));
      inside = true;
      continue;
    }
    if (line.starts_with("# End automatically added section")) {
      inside = false;
      continue;
    }
    if (!inside) {
      rest.append(line).append("\n");
    }
  }
}

} // namespace

bool scripts_modelled(std::string_view package) {
  return contains(k_no_effect, package) || contains(modelled_packages(), package);
}

std::vector<Finding> classify_maintainer_scripts(const Installed& package) {
  std::vector<Finding> findings;
  if (scripts_modelled(package.name)) {
    return findings;
  }
  for (const char* name : {"preinst", "postinst"}) {
    const std::string& script = package.deb->control.member(name);
    if (script.empty()) {
      continue;
    }
    std::vector<std::string> tools;
    std::string rest;
    split_autoscripts(script, tools, rest);
    for (const auto& tool : tools) {
      if (!contains(k_safe_autoscripts, tool)) {
        findings.push_back({package.name, std::string(name) + ": " + tool + " snippet not modelled"});
      }
    }
    int reported = 0;
    for (const auto& line : shell_lines(rest)) {
      if (line.words.front().starts_with("#!") || safe_line(line.words)) {
        continue;
      }
      if (++reported > 3) {
        findings.push_back({package.name, std::string(name) + ": more commands not modelled"});
        break;
      }
      findings.push_back({package.name, std::string(name) + ": '" + line.text + "' not modelled"});
    }
  }
  if (package.deb->control.members.contains("config")) {
    // debconf questions keep their defaults; nothing to report by itself.
  }
  return findings;
}

} // namespace distill::backend::deb::generators
