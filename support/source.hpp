#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace distill::support {

// A position in a source file: 1-based line and column (in bytes), 0-based
// byte offset. A default-constructed position (line 0) means "unknown".
struct SourcePos {
  int line = 0;
  int column = 0;
  std::size_t offset = 0;

  bool known() const { return line > 0; }
  friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

// A half-open range [begin, end) of source text. `end` points just past the
// last byte of the range.
struct SourceRange {
  SourcePos begin;
  SourcePos end;

  bool known() const { return begin.known(); }
  friend bool operator==(const SourceRange&, const SourceRange&) = default;
};

// The text of one input file, kept so that diagnostics can show the line.
struct SourceFile {
  std::string name; // as the user named it, e.g. "Dockerfile"
  std::string text; // the raw bytes

  // The text of 1-based line `line` without its line terminator; empty when
  // out of range.
  std::string_view line(int line) const;
};

} // namespace distill::support
