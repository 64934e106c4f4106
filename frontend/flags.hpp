#pragma once

// Instruction flags checked like BuildKit's BFlags (instructions/bflag.go):
// case-sensitive names, bool flags (`--f`, `--f=true|false`), string flags
// that need `=value`, repeatable string-slice flags (`--mount`, `--exclude`,
// `--device`), unknown flags with a "did you mean" suggestion.

#include "frontend/ast.hpp"
#include "frontend/instructions.hpp"
#include "support/diagnostic.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace distill::frontend {

enum class FlagKind { boolean, string, strings };

struct FlagSpec {
  std::string_view name;
  FlagKind kind;
};

// One accepted flag use: the value after BuildKit's parsing ("true"/"false"
// for bools) and the AST flag it came from.
struct FlagUse {
  std::string name;
  std::string value;
  const Flag* flag = nullptr;
};

struct ParsedFlags {
  std::vector<FlagUse> uses; // in order of appearance

  // The use of a flag (the last one for a repeated flag), or nullptr.
  const FlagUse* find(std::string_view name) const;
  // Every use of a repeatable flag, in order.
  std::vector<const FlagUse*> all(std::string_view name) const;
  // A string flag as a Word (its range is the whole `--name=value`).
  StringFlag string_flag(std::string_view name) const;
  // A bool flag.
  BoolFlag bool_flag(std::string_view name) const;
  // Repeated string flag values as Words.
  std::vector<Word> words(std::string_view name) const;
};

// Parses the flags of `instruction` against `specs`. Reports the first
// problem as BuildKit does (it stops there) and returns nullopt.
std::optional<ParsedFlags> parse_flags(const Instruction& instruction, std::span<const FlagSpec> specs,
                                       support::DiagnosticSink& sink);

} // namespace distill::frontend
