#pragma once

// The one place that runs the generated ANTLR parser (grammar/*.g4). Each
// call parses one piece of one logical line and returns plain spans; ANTLR
// types, exceptions and its error reporting stay inside antlr_adapter.cpp.
// Syntax errors reach a custom listener (nothing is printed) and come back as
// GrammarError values with a byte offset into the text that was parsed.

#include <cstddef>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace distill::frontend {

// Byte offsets [begin, end) into the text handed to a GrammarSession call.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
};

struct GrammarError {
  std::string message; // ANTLR's wording
  std::size_t offset = 0;
};

template <typename T>
using GrammarResult = std::expected<T, GrammarError>;

// `KEYWORD --flag ... rest`.
struct HeadSyntax {
  Span keyword;
  std::vector<Span> flags; // every `--` word, raw (quotes and escapes kept)
  std::size_t rest = 0;    // first byte after the flags; the text size if none
};

// A JSON array that parsed: its top-level elements and every number token.
struct JsonSyntax {
  struct Element {
    Span where;
    bool is_string = false;
  };
  std::vector<Element> elements;
  std::vector<Span> numbers; // at any depth
};

// `[fd]<<[-]name` (the name still raw: quotes and escapes kept).
struct HeredocMarkerSyntax {
  Span fd; // empty when absent
  bool chomp = false;
  Span name;
};

// Owns one lexer and one parser, reused for every line of a file: creating
// them per line would cost more than the parse.
class GrammarSession {
public:
  GrammarSession();
  ~GrammarSession();
  GrammarSession(const GrammarSession&) = delete;
  GrammarSession& operator=(const GrammarSession&) = delete;

  // Keyword, flags and where the rest starts, for a trimmed non-empty line.
  GrammarResult<HeadSyntax> head(std::string_view line);

  // `text` as a JSON array; an error means "not JSON" (the shell form). The
  // caller keeps nesting shallow (see json_array.cpp): the grammar recurses.
  GrammarResult<JsonSyntax> json_array(std::string_view text);

  // ENV/LABEL/ARG words (quote-aware), split with `escape` as escape character.
  GrammarResult<std::vector<Span>> words(std::string_view text, char escape);

  // A heredoc marker word, or nullopt when the word is not one.
  std::optional<HeredocMarkerSyntax> heredoc_marker(std::string_view word);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace distill::frontend
