#include "frontend/ast_dump.hpp"

#include "frontend/go_quote.hpp"
#include "frontend/go_strings.hpp"

namespace distill::frontend {

std::string dump(const Instruction& instruction) {
  std::string out = go_to_lower(instruction.keyword);
  if (!instruction.flags.empty()) {
    // fmt's %q of a []string.
    out += " [";
    for (std::size_t i = 0; i < instruction.flags.size(); ++i) {
      if (i > 0) {
        out += ' ';
      }
      out += go_quote(instruction.flags[i].text);
    }
    out += ']';
  }
  for (const Argument& arg : instruction.args) {
    out += ' ';
    out += go_quote(arg.value);
  }
  if (instruction.onbuild) {
    out += " (";
    out += dump(*instruction.onbuild);
    out += ')';
  }
  // Node.Dump trims every level.
  const Trimmed trimmed = go_trim_space(out);
  return out.substr(trimmed.begin, trimmed.end - trimmed.begin);
}

std::string dump(const Document& document) {
  std::string out;
  for (const Instruction& instruction : document.instructions) {
    if (!out.empty()) {
      out += '\n';
    }
    out += '(';
    out += dump(instruction);
    out += ')';
  }
  return out;
}

} // namespace distill::frontend
