#include "planner/rewrite/arch_conditions.hpp"

#include <algorithm>

namespace distill::planner::rewrite {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::string_view(" \t\n").find(text.front()) != std::string_view::npos) text.remove_prefix(1);
  while (!text.empty() && std::string_view(" \t\n").find(text.back()) != std::string_view::npos) text.remove_suffix(1);
  return text;
}

// The plan-time value of a word that is one architecture query or one
// recorded variable (${v##*-}, as the official images write it, included).
std::optional<std::string> word_value(const shell::Word& word, const ArchVariables& variables,
                                      const PlatformArch& arch) {
  if (auto query = arch_query_value(word, arch)) return query;
  if (word.parts.size() != 1 || word.parts[0].kind != shell::WordPart::Kind::parameter) return std::nullopt;
  const shell::WordPart& part = word.parts[0];
  const auto known = variables.find(part.text);
  if (known == variables.end()) return std::nullopt;
  if (part.modifier.empty()) return known->second;
  if (part.modifier == "##*-") {
    const auto dash = known->second.rfind('-');
    return dash == std::string::npos ? known->second : known->second.substr(dash + 1);
  }
  return std::nullopt;
}

// `[ A = B ]`, `test A != B`, `[[ A == B ]]`: true or false; nullopt when not that form.
std::optional<bool> decide_test(const shell::List& condition, const ArchVariables& variables, const PlatformArch& arch) {
  if (condition.items.size() != 1) return std::nullopt;
  const shell::AndOr& item = condition.items[0];
  if (item.pipelines.size() != 1 || item.background) return std::nullopt;
  const shell::Pipeline& pipeline = item.pipelines[0];
  if (pipeline.negated || pipeline.commands.size() != 1 || pipeline.commands[0].kind != shell::Command::Kind::simple) {
    return std::nullopt;
  }
  const shell::SimpleCommand& command = pipeline.commands[0].simple;
  if (!command.assignments.empty() || !command.redirects.empty()) return std::nullopt;
  const auto& words = command.words;
  const auto is = [&](std::size_t i, std::string_view text) { return words[i].literal() && words[i].value() == text; };
  std::size_t first = 0;
  if (words.size() == 5 && ((is(0, "[") && is(4, "]")) || (is(0, "[[") && is(4, "]]")))) {
    first = 1;
  } else if (words.size() == 4 && is(0, "test")) {
    first = 1;
  } else {
    return std::nullopt;
  }
  const shell::Word& left = words[first];
  const shell::Word& op = words[first + 1];
  const shell::Word& right = words[first + 2];
  if (!op.literal() || (op.value() != "=" && op.value() != "==" && op.value() != "!=")) return std::nullopt;
  std::optional<std::string> value = word_value(left, variables, arch);
  const shell::Word* other = &right;
  if (!value) {
    value = word_value(right, variables, arch);
    other = &left;
  }
  // The other side is plain text (in [[ ]] an unquoted glob would be a pattern).
  if (!value || !other->literal() || other->has_glob()) return std::nullopt;
  const bool equal = *value == other->value();
  return op.value() == "!=" ? !equal : equal;
}

} // namespace

PlatformArch platform_arch(std::string_view platform) {
  // linux/386 on an amd64 kernel reports x86_64 to uname -m unless the personality
  // is changed, and 32-bit ARM reports the CPU it runs on: only certain values are named.
  static const struct {
    std::string_view platform, dpkg, uname;
  } k_table[] = {
      {"linux/amd64", "amd64", "x86_64"},      {"linux/arm64", "arm64", "aarch64"},
      {"linux/arm64/v8", "arm64", "aarch64"},  {"linux/arm/v7", "armhf", ""},
      {"linux/arm/v6", "armel", ""},           {"linux/arm/v5", "armel", ""},
      {"linux/386", "i386", ""},               {"linux/ppc64le", "ppc64el", "ppc64le"},
      {"linux/s390x", "s390x", "s390x"},       {"linux/riscv64", "riscv64", "riscv64"},
      {"linux/mips64le", "mips64el", ""},
  };
  for (const auto& row : k_table) {
    if (row.platform == platform) return {std::string(row.dpkg), std::string(row.uname)};
  }
  return {};
}

std::optional<std::string> arch_query_value(const shell::Word& word, const PlatformArch& arch) {
  if (word.parts.size() != 1) return std::nullopt;
  const shell::WordPart& part = word.parts[0];
  if (part.kind != shell::WordPart::Kind::command_substitution && part.kind != shell::WordPart::Kind::backtick) {
    return std::nullopt;
  }
  const std::string_view inner = trimmed(part.text);
  const std::string& value = inner == "dpkg --print-architecture" ? arch.dpkg : inner == "uname -m" ? arch.uname : "";
  if (value.empty()) return std::nullopt;
  return value;
}

BranchDecision decide_arch_branch(const shell::Command& command, std::string_view text, const ArchVariables& variables,
                                  const PlatformArch& arch) {
  if (!command.redirects.empty()) return {};
  if (command.kind == shell::Command::Kind::if_clause) {
    const std::size_t count = command.bodies.size();
    for (std::size_t i = 0; i + 1 < count; i += 2) {
      const std::optional<bool> holds = decide_test(command.bodies[i], variables, arch);
      if (!holds) return {};
      if (*holds) return {true, static_cast<int>(i + 1)};
    }
    return {true, count % 2 == 1 ? static_cast<int>(count - 1) : -1};
  }
  if (command.kind != shell::Command::Kind::case_clause || command.words.empty()) return {};
  // bash's fall-through terminators (;& and ;;&) run more than one item.
  if (command.end <= text.size() && text.substr(command.begin, command.end - command.begin).find(";&") != std::string_view::npos) {
    return {};
  }
  const std::optional<std::string> subject = word_value(command.words[0], variables, arch);
  if (!subject) return {};
  for (std::size_t i = 0; i < command.patterns.size() && i < command.bodies.size(); ++i) {
    for (const shell::Word& pattern : command.patterns[i]) {
      if (!pattern.literal()) return {};
      if (pattern.has_glob()) {
        if (pattern.text != "*") return {};
        return {true, static_cast<int>(i)};
      }
      if (pattern.value() == *subject) return {true, static_cast<int>(i)};
    }
  }
  return {true, -1};
}

} // namespace distill::planner::rewrite
