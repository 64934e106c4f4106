#pragma once

// Small helpers shared by the typed-instruction builders (instructions_*.cpp,
// flags.cpp, run_mount.cpp) and analyze: making Words and reporting findings.

#include "frontend/ast.hpp"
#include "frontend/instructions.hpp"
#include "support/diagnostic.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace distill::frontend {

// A Word whose value is its raw text.
Word make_word(const Argument& argument);
Word make_word(std::string text, const SourceRange& where);

// The range of bytes [begin, end) of a word written contiguously at `where`;
// the whole range when the word was joined from several lines.
SourceRange sub_range(const SourceRange& where, std::size_t text_size, std::size_t begin, std::size_t end);

// ASCII lower-casing (BuildKit's keys and flag values are ASCII).
std::string ascii_lower(std::string_view text);

// BuildKit's getComment: the text after "name " in the comment lines above
// an instruction; "" when none starts so.
std::string doc_comment(const std::vector<std::string>& comments, std::string_view name);

// Reports an error finding.
void report_error(support::DiagnosticSink& sink, std::string kind, const SourceRange& where, std::string message,
                  std::string hint = {});

// Reports a warning finding.
void report_warning(support::DiagnosticSink& sink, std::string kind, const SourceRange& where, std::string message,
                    std::string hint = {});

} // namespace distill::frontend
