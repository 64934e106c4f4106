#pragma once

// BuildKit's AST dump (parser.Node.Dump), the format of the conformance
// `result` files: one `(cmd ["--flag" ...] "arg" ...)` line per instruction.

#include "frontend/ast.hpp"

#include <string>

namespace distill::frontend {

// The dump of every instruction, lines joined with '\n', no final newline
// (the conformance tests add one).
std::string dump(const Document& document);

// The dump of one instruction without its surrounding parentheses.
std::string dump(const Instruction& instruction);

} // namespace distill::frontend
