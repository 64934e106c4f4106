#include "frontend/flags.hpp"

#include "frontend/suggest.hpp"
#include "frontend/typed_support.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace distill::frontend {
const FlagUse* ParsedFlags::find(std::string_view name) const {
  const FlagUse* found = nullptr;
  for (const auto& use : uses) {
    if (use.name == name) found = &use;
  }
  return found;
}

std::vector<const FlagUse*> ParsedFlags::all(std::string_view name) const {
  std::vector<const FlagUse*> out;
  for (const auto& use : uses) {
    if (use.name == name) out.push_back(&use);
  }
  return out;
}

StringFlag ParsedFlags::string_flag(std::string_view name) const {
  const FlagUse* use = find(name);
  if (!use) return std::nullopt;
  return make_word(use->value, use->flag->where);
}

BoolFlag ParsedFlags::bool_flag(std::string_view name) const {
  const FlagUse* use = find(name);
  if (!use) return {};
  return BoolFlag{true, use->value == "true", use->flag->where};
}

std::vector<Word> ParsedFlags::words(std::string_view name) const {
  std::vector<Word> out;
  for (const FlagUse* use : all(name)) out.push_back(make_word(use->value, use->flag->where));
  return out;
}

std::optional<ParsedFlags> parse_flags(const Instruction& instruction, std::span<const FlagSpec> specs,
                                       support::DiagnosticSink& sink) {
  ParsedFlags parsed;
  for (const Flag& flag : instruction.flags) {
    const std::string& text = flag.text;
    if (text == "--") break; // the end of the flags (the parser normally drops it)
    if (!text.starts_with("--")) {
      report_error(sink, "invalid-flag", flag.where, fmt::format("arg should start with -- : {}", text));
      return std::nullopt;
    }
    const auto eq = text.find('=');
    const bool has_value = eq != std::string::npos;
    const std::string flag_name = text.substr(0, eq);
    const std::string name = flag_name.substr(2);
    const std::string value = has_value ? text.substr(eq + 1) : std::string();

    const auto spec = std::find_if(specs.begin(), specs.end(), [&](const FlagSpec& s) { return s.name == name; });
    if (spec == specs.end()) {
      std::vector<std::string_view> names;
      for (const auto& s : specs) names.push_back(s.name);
      report_error(sink, "unknown-flag", flag.where,
                   with_suggestion(fmt::format("unknown flag: {}", flag_name), name, names, true));
      return std::nullopt;
    }
    if (spec->kind != FlagKind::strings && parsed.find(name) != nullptr) {
      report_error(sink, "duplicate-flag", flag.where, fmt::format("duplicate flag specified: {}", flag_name));
      return std::nullopt;
    }
    std::string stored = value;
    switch (spec->kind) {
    case FlagKind::boolean: {
      if (has_value && value.empty()) {
        report_error(sink, "flag-missing-value", flag.where, fmt::format("missing a value on flag: {}", flag_name));
        return std::nullopt;
      }
      const std::string lower = ascii_lower(value);
      if (lower == "true" || lower.empty()) {
        stored = "true";
      } else if (lower == "false") {
        stored = "false";
      } else {
        report_error(sink, "flag-not-boolean", flag.where,
                     fmt::format("expecting boolean value for flag {}, not: {}", flag_name, value));
        return std::nullopt;
      }
      break;
    }
    case FlagKind::string:
    case FlagKind::strings:
      if (!has_value) {
        report_error(sink, "flag-missing-value", flag.where, fmt::format("missing a value on flag: {}", flag_name));
        return std::nullopt;
      }
      break;
    }
    parsed.uses.push_back(FlagUse{name, std::move(stored), &flag});
  }
  return parsed;
}

} // namespace distill::frontend
