#include "planner/rewrite/apt_options.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace distill::planner::rewrite {
namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  std::ranges::transform(result, result.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

std::optional<bool> parse_bool(std::string_view value) {
  const std::string v = lower(value);
  if (v == "true" || v == "1" || v == "yes" || v == "on" || v == "enable") {
    return true;
  }
  if (v == "false" || v == "0" || v == "no" || v == "off" || v == "disable") {
    return false;
  }
  return std::nullopt;
}

void refuse(AptOptions& options, std::string cause, std::string reason) {
  if (options.refusal.empty()) {
    options.cause = std::move(cause);
    options.refusal = std::move(reason);
  }
}

// Options that only change output, prompts or download behaviour.
constexpr std::array<std::string_view, 20> k_harmless_long = {
    "yes",          "assume-yes",           "quiet",         "show-progress",     "no-show-upgraded",
    "show-upgraded", "verbose-versions",     "no-install-suggests", "allow-downgrades", "allow-remove-essential",
    "allow-change-held-packages", "fix-broken", "update", "no-remove", "allow-releaseinfo-change",
    "no-list-cleanup", "list-cleanup", "with-new-pkgs", "no-allow-insecure-repositories", "purge-unused"};

// Options that make the step unsafe or leave its result to chance.
constexpr std::array<std::string_view, 4> k_unsafe_long = {"force-yes", "allow-unauthenticated",
                                                           "allow-insecure-repositories",
                                                           "allow-downgrade-to-insecure-repositories"};

} // namespace

void read_apt_setting(std::string_view setting, AptOptions& options) {
  const auto equals = setting.find('=');
  std::string name = lower(setting.substr(0, equals));
  std::string_view value = equals == std::string_view::npos ? std::string_view() : setting.substr(equals + 1);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
    value = value.substr(1, value.size() - 2);
  }
  if (name == "apt::install-recommends") {
    if (const auto on = parse_bool(value)) {
      options.recommends = *on;
      return;
    }
  } else if (name == "apt::install-suggests") {
    if (parse_bool(value) == false) {
      return;
    }
    refuse(options, "install-suggests", "installing suggested packages (-o " + std::string(setting) + ")");
    return;
  } else if (name == "apt::autoremove::recommendsimportant") {
    if (const auto on = parse_bool(value)) {
      options.autoremove_keeps_recommends = *on;
      return;
    }
  } else if (name == "apt::get::allowunauthenticated" || name == "apt::get::force-yes" ||
             name == "acquire::allowinsecurerepositories" || name == "acquire::allowdowngradetoinsecurerepositories") {
    if (parse_bool(value) == false) {
      return;
    }
    refuse(options, "unsafe-option", "-o " + std::string(setting) + " turns off package authentication");
    return;
  } else if (name == "dpkg::options::" || name == "dpkg::options") {
    const std::string v = lower(value);
    if (v.starts_with("--force-conf") || v == "--force-unsafe-io" || v == "--force-overwrite") {
      return; // conffile prompts and I/O: no meaning without maintainer scripts
    }
    refuse(options, "apt-option", "-o " + std::string(setting) + " is not modelled");
    return;
  } else if (name.starts_with("acquire::") || name.starts_with("debug::") || name.starts_with("dir::cache") ||
             name.starts_with("dpkg::use-pty") || name.starts_with("dpkg::progress") ||
             name == "apt::sandbox::user" || name.starts_with("apt::get::assume-yes") || name == "apt::get::yes" ||
             name == "apt::quiet" || name == "quiet" || name.starts_with("apt::keep-downloaded-packages") ||
             name.starts_with("binary::apt::apt::keep-downloaded-packages") || name == "apt::get::list-cleanup" ||
             name.starts_with("apt::periodic") || name == "apt::immediate-configure" || name == "apt::color" ||
             name.starts_with("apt::autoremove::suggestsimportant") || name.starts_with("apt::get::show") ||
             name == "apt::get::update::sourcelist" || name == "apt::get::clean") {
    return;
  }
  refuse(options, "apt-option", "apt setting -o " + std::string(setting) + " is not modelled");
}

int read_apt_option(std::string_view word, std::string_view next, AptOptions& options) {
  if (word == "--" || word == "-") {
    return 1;
  }
  if (word.starts_with("--")) {
    const auto equals = word.find('=');
    const std::string name(word.substr(2, equals == std::string_view::npos ? std::string_view::npos : equals - 2));
    const bool has_value = equals != std::string_view::npos;
    const std::string_view value = has_value ? word.substr(equals + 1) : next;
    const int used_value = has_value ? 1 : 2;
    if (std::ranges::find(k_harmless_long, name) != k_harmless_long.end() || name.starts_with("allow-releaseinfo")) {
      return 1;
    }
    if (std::ranges::find(k_unsafe_long, name) != k_unsafe_long.end()) {
      refuse(options, "unsafe-option", "--" + name + " turns off package authentication");
      return 1;
    }
    if (name == "no-install-recommends") {
      options.recommends = false;
    } else if (name == "install-recommends") {
      options.recommends = true;
    } else if (name == "install-suggests") {
      refuse(options, "install-suggests", "--install-suggests installs suggested packages");
    } else if (name == "auto-remove" || name == "autoremove") {
      options.auto_remove = true;
    } else if (name == "purge") {
      options.purge = true;
    } else if (name == "reinstall") {
      options.reinstall = true;
    } else if (name == "target-release" || name == "default-release") {
      options.default_release = std::string(value);
      return used_value;
    } else if (name == "option") {
      read_apt_setting(value, options);
      return used_value;
    } else if (name == "config-file") {
      refuse(options, "apt-option", "--config-file reads settings the planner cannot see");
      return used_value;
    } else {
      refuse(options, "apt-option", "option --" + name + " is not modelled");
    }
    return 1;
  }
  // A cluster of short options: -qqy, -o Name=Value, -oName=Value, -t release, -q=2.
  for (std::size_t i = 1; i < word.size(); ++i) {
    const char c = word[i];
    if (c == 'y' || c == 'q' || c == 'V' || c == 'u' || c == 'f') {
      if (c == 'q' && i + 1 < word.size() && word[i + 1] == '=') {
        return 1; // -q=2
      }
      continue;
    }
    if (c == 'o' || c == 't' || c == 'c') {
      const bool attached = i + 1 < word.size();
      const std::string_view value = attached ? word.substr(i + 1) : next;
      if (c == 'o') {
        read_apt_setting(value, options);
      } else if (c == 't') {
        options.default_release = std::string(value);
      } else {
        refuse(options, "apt-option", "-c reads settings the planner cannot see");
      }
      return attached ? 1 : 2;
    }
    switch (c) {
    case 'm': refuse(options, "apt-option", "-m (--fix-missing) skips packages that fail to download"); break;
    case 's': refuse(options, "apt-option", "-s only simulates"); break;
    case 'd': refuse(options, "apt-option", "-d only downloads"); break;
    case 'b': refuse(options, "apt-option", "-b builds from source"); break;
    default: refuse(options, "apt-option", std::string("option -") + c + " is not modelled"); break;
    }
  }
  return 1;
}

} // namespace distill::planner::rewrite
