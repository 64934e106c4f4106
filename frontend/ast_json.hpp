#pragma once

// The syntax tree as JSON, with the source range of every node, for
// `distill parse --json` and for tools that want the tree without C++.

#include "frontend/ast.hpp"

#include <string>

namespace distill::frontend {

// A JSON object: {"file", "escape", "directives", "instructions"}. Each range
// is {"start": {"line", "column", "offset"}, "end": {...}} (1-based line and
// byte column, 0-based byte offset, end exclusive). Invalid UTF-8 in values is
// replaced by U+FFFD. Pretty-printed with `indent` spaces (-1: one line).
std::string ast_to_json(const Document& document, int indent = 2);

} // namespace distill::frontend
