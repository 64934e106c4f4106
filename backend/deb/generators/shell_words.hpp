#pragma once

// Just enough of POSIX shell lexing to read maintainer scripts statically:
// logical lines (backslash-newline joined, comments dropped) split into words
// with quotes removed. Expansions are kept as text ("$DPKG_ROOT/etc"), so a
// caller can tell a literal argument from a computed one.

#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::deb::generators {

struct ShellLine {
  std::vector<std::string> words;
  std::size_t line = 0; // 1-based line where the logical line starts
  std::string text;     // the joined line as written (trimmed)
};

// The script's logical lines with at least one word, in order. Commands
// joined with ';', '&&', '||' or '|' on one line become separate lines.
std::vector<ShellLine> shell_lines(std::string_view script);

// True when `word` holds an expansion ('$' or a backquote) and so is not a literal.
bool has_expansion(std::string_view word);

} // namespace distill::backend::deb::generators
