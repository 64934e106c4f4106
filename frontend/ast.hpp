#pragma once

// The syntax tree of a Dockerfile, at the level of BuildKit's parser.Node:
// one Instruction per logical line, its flags, its argument words and its
// heredocs, each with the exact source range it came from. Typed,
// validated instructions are built from this in instructions.hpp.

#include "support/diagnostic.hpp"
#include "support/source.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace distill::frontend {

using support::SourcePos;
using support::SourceRange;

// `# name=value` in the directive window at the top of the file.
struct Directive {
  std::string name; // lower-cased: "syntax", "escape", "check"
  std::string value;
  SourceRange where;
};

// A `--name=value` word before an instruction's arguments.
struct Flag {
  std::string text;                 // as BuildKit's dump shows it: "--from=build"
  std::string name;                 // "from"
  std::optional<std::string> value; // nullopt for a bare "--link"
  SourceRange where;
};

// One argument node, in BuildKit's sense (see the dump format table in
// conformance/buildkit-parser/README.md): a JSON element, a word, the raw
// shell text, or one of the key/value/separator parts of ENV and LABEL.
struct Argument {
  std::string value;
  SourceRange where;
};

// A here-document: `<<EOF` ... `EOF` attached to an instruction.
struct Heredoc {
  std::string name;    // the delimiter word, quotes removed
  std::string content; // the body, up to and including the last newline
  bool expand = true;  // false when the delimiter was quoted
  bool chomp = false;  // `<<-`: leading tabs removed from the body
  int fd = -1;         // the `3<<EOF` prefix, -1 when absent
  SourceRange where;   // from the `<<` marker...
  SourceRange body;    // ...and the body lines, delimiter line included
};

struct Instruction {
  std::string keyword; // as written, e.g. "Run"
  std::string command; // lower-cased, e.g. "run"
  std::vector<Flag> flags;
  std::vector<Argument> args;
  bool json_form = false; // exec form: args came from a JSON array
  std::vector<Heredoc> heredocs;
  std::unique_ptr<Instruction> onbuild; // the wrapped instruction of ONBUILD
  std::string original;  // the logical line: continuation lines joined
  std::vector<std::string> comments; // comment lines right above it, '#' removed
  SourceRange where;      // keyword to end of the last line (heredoc bodies too)
  SourceRange keyword_where;
  SourceRange rest_where; // the text after the flags (arguments as written)
};

// A parsed file. Parsing keeps going after errors where it can; findings go
// into the DiagnosticSink passed to parse().
struct Document {
  support::SourceFile file;
  std::vector<Directive> directives;
  char escape = '\\';
  std::vector<Instruction> instructions;
};

} // namespace distill::frontend
