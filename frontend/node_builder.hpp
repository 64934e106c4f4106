#pragma once

// One logical line to one Instruction, as BuildKit's newNodeFromLine does it:
// keyword, flags (quotes removed), then the arguments built the way that
// instruction's line parser builds them (parser/line_parsers.go).

#include "frontend/antlr_adapter.hpp"
#include "frontend/ast.hpp"
#include "frontend/line_map.hpp"
#include "support/diagnostic.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace distill::frontend {

// A logical line: continuation lines joined, with the map back to the file.
struct LogicalLine {
  std::string text;
  LineMap map;
};

struct BuildContext {
  const LogicalLine& line;
  char escape = '\\';
  GrammarSession& grammar;
  support::DiagnosticSink& sink;

  std::string_view text(std::size_t begin, std::size_t end) const {
    return std::string_view(line.text).substr(begin, end - begin);
  }
  support::SourceRange range(std::size_t begin, std::size_t end) const { return line.map.range(begin, end); }
  void error(std::string kind, support::SourceRange where, std::string message) const;
};

// Fills `out` from line.text[begin, end): a whole logical line, or the part
// after an ONBUILD keyword. Findings (BuildKit's parse errors) go to the sink;
// the instruction is still filled as far as it goes. `where` is left unset.
void build_instruction(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end);

// BuildKit's canContainHeredoc: RUN, COPY and ADD in shell form, also as the
// trigger of an ONBUILD.
bool can_contain_heredoc(const Instruction& instruction);

} // namespace distill::frontend
