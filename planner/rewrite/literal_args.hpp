#pragma once

// The arguments of a command after static expansion, for the idiom rewrites.

#include "planner/shell/expand.hpp"
#include "planner/shell/syntax.hpp"

#include <string>
#include <vector>

namespace distill::planner::rewrite {

struct LiteralArg {
  std::string text;
  bool glob = false;   // the word had an unquoted *, ? or [
  bool quoted = false; // the word had quotes or escapes (so "-x" is not an option)
};

struct LiteralArgs {
  std::vector<LiteralArg> args; // the fields of words[from...], in order
  std::string error;            // why a word could not be expanded ("" when all could)
};

// Expands words[from...] of `command` in `environment` (null: nothing known).
// A word with ~ or $(...) or an unknown variable sets `error`.
LiteralArgs literal_args(const shell::SimpleCommand& command, std::size_t from, const shell::Environment* environment);

} // namespace distill::planner::rewrite
