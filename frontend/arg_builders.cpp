#include "frontend/arg_builders.hpp"

#include "frontend/go_quote.hpp"
#include "frontend/go_strings.hpp"
#include "frontend/json_array.hpp"
#include "frontend/unicode.hpp"

#include <fmt/format.h>

namespace distill::frontend {
namespace {

void add_arg(Instruction& out, const BuildContext& context, std::string value, std::size_t begin, std::size_t end) {
  out.args.push_back({std::move(value), context.range(begin, end)});
}

// A grammar failure on a total rule is a bug in the grammar, not in the input.
void report_internal(const BuildContext& context, std::size_t at, const GrammarError& error) {
  context.error("internal", context.range(at, at), "internal parser error: " + error.message);
}

// One word as BuildKit's parseWords leaves it: quotes and escapes kept, an
// escape character that ends the whole text dropped, invalid UTF-8 as U+FFFD.
std::string process_word(std::string_view raw, char32_t escape, bool ends_text) {
  std::string word;
  word.reserve(raw.size());
  bool in_quote = false;
  char32_t quote = 0;
  for (std::size_t pos = 0; pos < raw.size();) {
    DecodedRune ch = decode_rune(raw, pos);
    const bool last = pos + ch.width == raw.size() && ends_text;
    if (!in_quote) {
      if (ch.rune == '\'' || ch.rune == '"') {
        quote = ch.rune;
        in_quote = true;
      } else if (ch.rune == escape) {
        pos += ch.width;
        if (last) {
          continue;
        }
        append_rune(word, escape);
        ch = decode_rune(raw, pos);
      }
    } else {
      if (ch.rune == quote) {
        in_quote = false;
      } else if (ch.rune == escape && quote != '\'') {
        pos += ch.width;
        if (last) {
          in_quote = false;
          continue;
        }
        append_rune(word, escape);
        ch = decode_rune(raw, pos);
      }
    }
    append_rune(word, ch.rune);
    pos += ch.width;
  }
  return word;
}

// BuildKit's reWhitespace.Split: fields between runs of [\t\v\f\r ].
bool is_field_blank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'; }

std::vector<Span> split_fields(std::string_view text) {
  std::vector<Span> fields;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && is_field_blank(text[pos])) ++pos;
    if (pos == text.size()) break;
    const std::size_t begin = pos;
    while (pos < text.size() && !is_field_blank(text[pos])) ++pos;
    fields.push_back({begin, pos});
  }
  return fields;
}

struct Word {
  std::string value;
  std::size_t begin = 0; // in the logical line
  std::size_t end = 0;
};

// parseWords over line.text[begin, end); nullopt after reporting a grammar bug.
std::optional<std::vector<Word>> split_words(const BuildContext& context, std::size_t begin, std::size_t end) {
  const std::string_view text = context.text(begin, end);
  auto spans = context.grammar.words(text, context.escape);
  if (!spans) {
    report_internal(context, begin + spans.error().offset, spans.error());
    return std::nullopt;
  }
  std::vector<Word> words;
  words.reserve(spans->size());
  for (const Span& span : *spans) {
    words.push_back({process_word(text.substr(span.begin, span.size()), static_cast<unsigned char>(context.escape),
                                  span.end == text.size()),
                     begin + span.begin, begin + span.end});
  }
  return words;
}

// The exec form when the text is a JSON array; false when it is not JSON.
bool add_json_args(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end) {
  const std::size_t json_begin = begin + go_trim_left_space(context.text(begin, end));
  const JsonArray json = parse_json_array(context.grammar, context.text(json_begin, end));
  switch (json.kind) {
  case JsonArray::Kind::strings:
    out.args.reserve(out.args.size() + json.elements.size());
    for (const auto& element : json.elements) {
      add_arg(out, context, element.value, json_begin + element.where.begin, json_begin + element.where.end);
    }
    out.json_form = true;
    return true;
  case JsonArray::Kind::non_string:
    context.error("json-not-strings",
                  context.range(json_begin + json.offending.begin, json_begin + json.offending.end),
                  "when using JSON array syntax, arrays must be comprised of strings only");
    return true;
  case JsonArray::Kind::not_json:
    break;
  }
  return false;
}

} // namespace

void args_maybe_json(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end) {
  if (begin == end) {
    return;
  }
  if (!add_json_args(out, context, begin, end)) {
    add_arg(out, context, std::string(context.text(begin, end)), begin, end);
  }
}

void args_maybe_json_to_list(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end) {
  if (!add_json_args(out, context, begin, end)) {
    args_fields(out, context, begin, end);
  }
}

void args_fields(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end) {
  if (begin == end) {
    return;
  }
  const std::vector<Span> fields = split_fields(context.text(begin, end));
  out.args.reserve(out.args.size() + fields.size());
  for (const Span& field : fields) {
    add_arg(out, context, std::string(context.text(begin + field.begin, begin + field.end)), begin + field.begin,
            begin + field.end);
  }
}

void args_string(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end) {
  if (begin == end) {
    return;
  }
  add_arg(out, context, std::string(context.text(begin, end)), begin, end);
}

void args_name_value(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end,
                     std::string_view key) {
  auto words = split_words(context, begin, end);
  if (!words || words->empty()) {
    return;
  }
  if (words->front().value.find('=') == std::string::npos) {
    // The legacy form `KEY name rest of line`: the rest is taken as written.
    const std::vector<Span> fields = split_fields(context.text(begin, end));
    if (fields.size() < 2) {
      context.error("missing-value", context.range(begin, end), fmt::format("{} must have two arguments", key));
      return;
    }
    const Span name = fields[0];
    const std::size_t value_begin = begin + fields[1].begin;
    add_arg(out, context, std::string(context.text(begin + name.begin, begin + name.end)), begin + name.begin,
            begin + name.end);
    add_arg(out, context, std::string(context.text(value_begin, end)), value_begin, end);
    add_arg(out, context, "", end, end);
    return;
  }
  out.args.reserve(3 * words->size());
  for (const Word& word : *words) {
    const std::size_t equals = word.value.find('=');
    if (equals == std::string::npos) {
      out.args.clear();
      context.error("missing-equals", context.range(word.begin, word.end),
                    fmt::format("Syntax error - can't find = in {}. Must be of the form: name=value",
                                go_quote(word.value)));
      return;
    }
    // The first '=' of the processed word is the first '=' byte as written.
    const std::size_t raw_equals = word.begin + context.text(word.begin, word.end).find('=');
    add_arg(out, context, word.value.substr(0, equals), word.begin, raw_equals);
    add_arg(out, context, word.value.substr(equals + 1), raw_equals + 1, word.end);
    add_arg(out, context, "=", raw_equals, raw_equals + 1);
  }
}

void args_words(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end) {
  auto words = split_words(context, begin, end);
  if (!words) {
    return;
  }
  out.args.reserve(words->size());
  for (Word& word : *words) {
    add_arg(out, context, std::move(word.value), word.begin, word.end);
  }
}

void args_health(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t end) {
  // BuildKit looks at single bytes here (unicode.IsSpace(rune(rest[i]))).
  const std::string_view rest = context.text(begin, end);
  std::size_t separator = 0;
  while (separator < rest.size() && !go_is_space_byte(static_cast<unsigned char>(rest[separator]))) {
    ++separator;
  }
  std::size_t next = separator;
  while (next < rest.size() && go_is_space_byte(static_cast<unsigned char>(rest[next]))) {
    ++next;
  }
  if (separator == 0) {
    return;
  }
  add_arg(out, context, std::string(rest.substr(0, separator)), begin, begin + separator);
  args_maybe_json(out, context, begin + next, end);
}

void args_ignore(Instruction& out, const BuildContext& context, std::size_t begin, std::size_t) {
  add_arg(out, context, "", begin, begin);
}

} // namespace distill::frontend
