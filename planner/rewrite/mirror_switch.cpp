#include "planner/rewrite/mirror_switch.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

namespace distill::planner::rewrite {
namespace {

bool host_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == ':'; }

// A host name with an optional port: labels of letters, digits and '-'.
bool is_host(std::string_view host, bool need_dot) {
  const std::string_view name = host.substr(0, host.find(':'));
  if (name.empty() || !std::ranges::all_of(host, host_char)) return false;
  if (host.find(':') != std::string_view::npos) {
    const std::string_view port = host.substr(host.find(':') + 1);
    if (port.empty() || !std::ranges::all_of(port, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return false;
  }
  if (name.front() == '.' || name.back() == '.' || name.find("..") != std::string_view::npos) return false;
  if (!need_dot) return true;
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  // The last label of a real host is a word, not a file extension of apt's
  // configuration (`s/debian-archive-keyring.gpg/other.gpg/` swaps a key, not a mirror).
  const std::string_view last = name.substr(dot + 1);
  if (last.size() < 2 || !std::ranges::all_of(last, [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
    return false;
  for (std::string_view extension : {"gpg", "asc", "list", "sources", "key", "pgp", "conf", "bak", "save", "pref"}) {
    if (last == extension) return false;
  }
  return true;
}

// `s<d>pattern<d>replacement<d>flags`, split; nullopt when it is not that form.
struct Substitution {
  std::string pattern, replacement, flags;
};

// Reads up to the next unescaped `delim`; keeps escapes as written.
std::optional<std::string> read_part(std::string_view text, std::size_t& at, char delim) {
  std::string out;
  while (at < text.size()) {
    const char c = text[at];
    if (c == '\n') return std::nullopt;
    if (c == '\\') {
      if (at + 1 >= text.size()) return std::nullopt;
      out.push_back(c);
      out.push_back(text[at + 1]);
      at += 2;
      continue;
    }
    if (c == delim) {
      ++at;
      return out;
    }
    out.push_back(c);
    ++at;
  }
  return std::nullopt;
}

// The sed script as substitutions; nullopt when it holds anything else.
std::optional<std::vector<Substitution>> read_script(std::string_view text) {
  std::vector<Substitution> out;
  std::size_t at = 0;
  const auto skip = [&] {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == ';')) ++at;
  };
  skip();
  while (at < text.size()) {
    if (text[at] != 's' || at + 1 >= text.size()) return std::nullopt;
    const char delim = text[at + 1];
    if (std::isalnum(static_cast<unsigned char>(delim)) || delim == '\\' || delim == '\n' || delim == ' ') {
      return std::nullopt;
    }
    at += 2;
    Substitution substitution;
    auto pattern = read_part(text, at, delim);
    if (!pattern) return std::nullopt;
    auto replacement = read_part(text, at, delim);
    if (!replacement) return std::nullopt;
    while (at < text.size() && std::isalnum(static_cast<unsigned char>(text[at]))) substitution.flags.push_back(text[at++]);
    if (at < text.size() && text[at] != ';' && text[at] != '\n' && text[at] != ' ' && text[at] != '\t') {
      return std::nullopt;
    }
    substitution.pattern = std::move(*pattern);
    substitution.replacement = std::move(*replacement);
    out.push_back(std::move(substitution));
    skip();
  }
  return out;
}

// The alternatives a regex matches, escapes removed; nullopt when it uses
// anything but literal text, `.` and (basic regex) `\|`.
std::optional<std::vector<std::string>> pattern_alternatives(const std::string& pattern, bool extended) {
  std::vector<std::string> out(1);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c != '\\') {
      if (extended && c == '|') return std::nullopt;
      out.back().push_back(c);
      continue;
    }
    const char next = pattern[++i];
    if (next == '|' && !extended) {
      out.emplace_back();
    } else if (next == '.' || next == '/' || next == '#' || next == '@' || next == ',' || next == '!' || next == '%') {
      out.back().push_back(next);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// The replacement text; nullopt for `&`, back-references and other escapes.
std::optional<std::string> replacement_text(const std::string& replacement) {
  std::string out;
  for (std::size_t i = 0; i < replacement.size(); ++i) {
    const char c = replacement[i];
    if (c == '&') return std::nullopt;
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    const char next = replacement[++i];
    if (std::isalnum(static_cast<unsigned char>(next)) || next == '&' || next == '\\') return std::nullopt;
    out.push_back(next);
  }
  return out;
}

bool is_sources_file(const std::string& path) {
  if (path == "/etc/apt/sources.list") return true;
  constexpr std::string_view k_dir = "/etc/apt/sources.list.d/";
  if (!path.starts_with(k_dir)) return false;
  const std::string name = path.substr(k_dir.size());
  if (name.empty() || name.find('/') != std::string::npos || name.starts_with(".")) return false;
  return name == "*" || name.ends_with(".list") || name.ends_with(".sources");
}

} // namespace

bool is_archive_location(std::string_view text) {
  if (text.empty()) return false;
  const bool allowed = std::ranges::all_of(text, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view(".-_:/~%+").find(c) != std::string_view::npos;
  });
  if (!allowed) return false;
  for (std::string_view scheme : {"http:", "https:", "http://", "https://"}) {
    if (text == scheme) return true; // a transport switch
  }
  std::string_view rest = text;
  bool need_dot = true;
  if (const auto at = text.find("://"); at != std::string_view::npos) {
    const std::string_view scheme = text.substr(0, at);
    if (scheme != "http" && scheme != "https" && scheme != "ftp") return false;
    rest = text.substr(at + 3);
    need_dot = false; // http://localhost:3142 is a location too
  }
  const std::string_view host = rest.substr(0, rest.find('/'));
  if (host.find('+') != std::string_view::npos || host.find('%') != std::string_view::npos ||
      host.find('~') != std::string_view::npos || host.find('_') != std::string_view::npos) {
    return false;
  }
  return is_host(host, need_dot);
}

bool is_mirror_switch(const shell::SimpleCommand& command, const shell::Environment& environment) {
  if (command.words.empty() || !command.words[0].literal() || command.words[0].value() != "sed" ||
      !command.redirects.empty()) {
    return false;
  }
  bool in_place = false, extended = false, options_done = false;
  std::vector<std::string> scripts, files;
  for (std::size_t i = 1; i < command.words.size(); ++i) {
    auto value = shell::expand_word(command.words[i], environment);
    if (!value) return false;
    const std::string& arg = *value;
    if (!options_done && arg == "--") {
      options_done = true;
    } else if (!options_done && (arg == "-e" || arg == "--expression")) {
      if (++i >= command.words.size()) return false;
      auto script = shell::expand_word(command.words[i], environment);
      if (!script) return false;
      scripts.push_back(*script);
    } else if (!options_done && arg.starts_with("--expression=")) {
      scripts.push_back(arg.substr(13));
    } else if (!options_done && arg.starts_with("--")) {
      if (arg == "--in-place") in_place = true;
      else if (arg == "--regexp-extended") extended = true;
      else return false;
    } else if (!options_done && arg.size() > 1 && arg[0] == '-') {
      // -i, -E, -r, -Ei: `i` only last (after it, GNU sed reads a backup suffix).
      for (std::size_t k = 1; k < arg.size(); ++k) {
        if (arg[k] == 'E' || arg[k] == 'r') extended = true;
        else if (arg[k] == 'i' && k + 1 == arg.size()) in_place = true;
        else return false;
      }
    } else if (scripts.empty() && files.empty() && !command.words[i].has_glob()) {
      scripts.push_back(arg); // the script when no -e was given
    } else {
      files.push_back(arg);
    }
  }
  if (!in_place || scripts.empty() || files.empty()) return false;
  if (!std::ranges::all_of(files, is_sources_file)) return false;
  for (const std::string& script : scripts) {
    const auto substitutions = read_script(script);
    if (!substitutions || substitutions->empty()) return false;
    for (const Substitution& substitution : *substitutions) {
      if (!substitution.flags.empty() && substitution.flags != "g") return false;
      const auto alternatives = pattern_alternatives(substitution.pattern, extended);
      const auto replacement = replacement_text(substitution.replacement);
      if (!alternatives || !replacement || !is_archive_location(*replacement)) return false;
      if (!std::ranges::all_of(*alternatives, [](const std::string& old) { return is_archive_location(old); })) {
        return false;
      }
    }
  }
  return true;
}

} // namespace distill::planner::rewrite
