#include "planner/shell/expand.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

namespace distill::planner::shell {
namespace {

bool plain_default(const std::string& text) {
  return text.find_first_of("$`\"'\\") == std::string::npos;
}

// Names the shell or the build sets without the Dockerfile saying so.
bool set_outside(std::string_view name) {
  static const std::set<std::string_view> k_names = {
      "HOME", "PATH", "PWD", "OLDPWD", "HOSTNAME", "SHLVL", "IFS", "PS1", "PS2", "PS4", "OPTIND", "OPTARG",
      "PPID", "UID", "EUID", "GROUPS", "BASH", "BASHPID", "BASH_VERSION", "BASH_SOURCE", "RANDOM", "LINENO",
      "SECONDS", "FUNCNAME", "HOSTTYPE", "MACHTYPE", "OSTYPE", "TERM", "USER", "LOGNAME", "SHELL", "_"};
  if (k_names.contains(name)) return true;
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper.ends_with("_PROXY");
}

// The value of one parameter part, or why it has none.
support::Result<std::string> parameter_value(const WordPart& part, const Environment& environment) {
  if (part.text.empty() || !(std::isalpha(static_cast<unsigned char>(part.text[0])) || part.text[0] == '_')) {
    return support::fail("uses ${}, a special parameter", part.text);
  }
  const Variables& variables = environment.values;
  const auto found = variables.find(part.text);
  const bool set = found != variables.end();
  const bool known_unset = !set && environment.complete && !environment.unknown.contains(part.text) &&
                           !set_outside(part.text);
  if (!set && !known_unset) {
    return support::fail("uses ${}, whose value is not known", part.text);
  }
  const std::string& modifier = part.modifier;
  if (modifier.empty()) {
    return set ? found->second : std::string();
  }
  const bool colon = modifier[0] == ':';
  const std::size_t op_at = colon ? 1 : 0;
  if (op_at >= modifier.size() || (modifier[op_at] != '-' && modifier[op_at] != '+')) {
    return support::fail("uses ${{{}{}}}, an expansion the planner does not evaluate", part.text, modifier);
  }
  const std::string alternative = modifier.substr(op_at + 1);
  if (!plain_default(alternative)) {
    return support::fail("uses ${{{}{}}}, an expansion the planner does not evaluate", part.text, modifier);
  }
  const bool has_value = set && (!colon || !found->second.empty());
  if (modifier[op_at] == '-') {
    return has_value ? found->second : alternative;
  }
  return has_value ? alternative : std::string();
}

support::Result<void> check_part(const WordPart& part) {
  switch (part.kind) {
  case WordPart::Kind::command_substitution: return support::fail("uses $({})", part.text);
  case WordPart::Kind::backtick: return support::fail("uses `{}`", part.text);
  case WordPart::Kind::process_substitution: return support::fail("uses a process substitution");
  case WordPart::Kind::arithmetic: return support::fail("uses $(({}))", part.text);
  default: return {};
  }
}

} // namespace

bool from_base_image(std::string_view name, const Environment& environment) {
  const auto identifier_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!environment.base_image || name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) ||
      !std::ranges::all_of(name, identifier_char)) {
    return false;
  }
  return !environment.values.contains(name) && !environment.unknown.contains(name) &&
         !environment.shadowed.contains(name) && !set_outside(name);
}

support::Result<std::vector<std::string>> expand_fields(const Word& word, const Variables& variables) {
  Environment environment;
  environment.values = variables;
  return expand_fields(word, environment);
}

support::Result<std::vector<std::string>> expand_fields(const Word& word, const Environment& environment) {
  std::vector<std::string> fields;
  std::string current;
  bool started = false;
  for (const WordPart& part : word.parts) {
    if (auto checked = check_part(part); !checked) {
      return std::unexpected(checked.error());
    }
    if (part.kind == WordPart::Kind::literal) {
      current += part.text;
      started = started || part.quoted || !part.text.empty();
      continue;
    }
    auto value = parameter_value(part, environment);
    if (!value) {
      return std::unexpected(value.error());
    }
    if (part.quoted) {
      current += *value;
      started = true;
      continue;
    }
    for (char c : *value) {
      if (c == ' ' || c == '\t' || c == '\n') {
        if (started) {
          fields.push_back(std::move(current));
          current.clear();
          started = false;
        }
      } else {
        current.push_back(c);
        started = true;
      }
    }
  }
  if (started) {
    fields.push_back(std::move(current));
  }
  return fields;
}

support::Result<std::string> expand_word(const Word& word, const Environment& environment) {
  std::string result;
  for (const WordPart& part : word.parts) {
    if (auto checked = check_part(part); !checked) {
      return std::unexpected(checked.error());
    }
    if (part.kind == WordPart::Kind::literal) {
      result += part.text;
      continue;
    }
    auto value = parameter_value(part, environment);
    if (!value) {
      return std::unexpected(value.error());
    }
    result += *value;
  }
  return result;
}

} // namespace distill::planner::shell
