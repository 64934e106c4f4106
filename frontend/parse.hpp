#pragma once

// The Dockerfile parser: raw bytes to the syntax tree of ast.hpp, the way
// BuildKit's parser package reads them (BOM, CRLF, the 64 KiB line limit,
// comments, parser directives, continuation lines, heredocs, flags and the
// per-instruction argument nodes), with the source range of every node.

#include "frontend/ast.hpp"
#include "support/diagnostic.hpp"
#include "support/source.hpp"

namespace distill::frontend {

// Parses `file`. Findings go to `sink` with BuildKit's messages (`file with
// no instructions`, `unterminated heredoc`, `ENV must have two arguments`, ...);
// parsing goes on after an error where it can, so the document holds every
// instruction that could be read. The empty-continuation-line notice is a
// warning. Unknown keywords are accepted here: see check_instructions().
Document parse(support::SourceFile file, support::DiagnosticSink& sink);

} // namespace distill::frontend
