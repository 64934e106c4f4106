#pragma once

// BuildKit's exec form (parser/line_parsers.go parseJSON): the text after the
// flags is an array of strings if it starts with `[` and is valid JSON for Go's
// encoding/json. Valid JSON with a non-string element is an error; anything
// else is silently the shell form.

#include "frontend/antlr_adapter.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace distill::frontend {

struct JsonArray {
  enum class Kind { not_json, strings, non_string };
  struct Element {
    std::string value; // decoded as Go does (invalid UTF-8 and lone surrogates as U+FFFD)
    Span where;        // the string literal, quotes included
  };
  Kind kind = Kind::not_json;
  std::vector<Element> elements; // kind == strings
  Span offending;                // kind == non_string: the first element that is not a string
};

// Classifies `text` (already left-trimmed). Never recurses deeper than a
// small bound, whatever the nesting of the input.
JsonArray parse_json_array(GrammarSession& grammar, std::string_view text);

// Go's unquoting of one JSON string literal (quotes included, already valid).
std::string json_unquote(std::string_view literal);

} // namespace distill::frontend
