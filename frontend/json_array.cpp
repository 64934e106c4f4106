#include "frontend/json_array.hpp"

#include "frontend/unicode.hpp"

#include <cmath>
#include <cstdlib>
#include <optional>

namespace distill::frontend {
namespace {

// Go's decoder rejects input nested deeper than this (encoding/json
// maxNestingDepth), so such text is the shell form in BuildKit.
constexpr std::size_t k_go_max_depth = 10000;
// The grammar recurses once per nesting level; past this depth the input goes
// to the iterative checker below instead, so the stack stays small.
constexpr std::size_t k_grammar_max_depth = 64;

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The deepest nesting of [ and { outside string literals (capped at `cap`).
std::size_t nesting_depth(std::string_view text, std::size_t cap) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > cap) {
        return deepest;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// Go's strconv.ParseFloat fails only on overflow (to ±Inf); decoding such a
// number into interface{} is an error that BuildKit treats as "not JSON".
bool number_overflows(std::string_view number) {
  const std::string copy(number);
  return std::isinf(std::strtod(copy.c_str(), nullptr));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a `\uXXXX` escape at `pos`, or -1.
long read_u4(std::string_view text, std::size_t pos) {
  if (pos + 6 > text.size() || text[pos] != '\\' || text[pos + 1] != 'u') {
    return -1;
  }
  long value = 0;
  for (std::size_t i = pos + 2; i < pos + 6; ++i) {
    const int digit = hex_value(text[i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

// An iterative check of Go's JSON syntax, used only for deeply nested input;
// returns whether the whole text is one valid value with no overflowing number.
class DeepChecker {
public:
  explicit DeepChecker(std::string_view text) : m_text(text) {}

  bool valid() {
    std::vector<char> open; // '[' or '{' per level
    for (;;) {
      // A value is expected here.
      skip_space();
      if (m_pos >= m_text.size()) return false;
      const char c = m_text[m_pos];
      if (c == '[' || c == '{') {
        if (open.size() >= k_go_max_depth) return false;
        open.push_back(c);
        ++m_pos;
        skip_space();
        if (m_pos < m_text.size() && m_text[m_pos] == (c == '[' ? ']' : '}')) {
          ++m_pos;
          open.pop_back();
        } else {
          if (c == '{' && !member_key()) return false;
          continue;
        }
      } else if (!scalar()) {
        return false;
      }
      // After a value: close levels or move to the next element.
      for (;;) {
        skip_space();
        if (open.empty()) return m_pos == m_text.size();
        if (m_pos >= m_text.size()) return false;
        const char next = m_text[m_pos++];
        if (next == ',') {
          if (open.back() == '{' && !member_key()) return false;
          break;
        }
        if (next != (open.back() == '[' ? ']' : '}')) return false;
        open.pop_back();
      }
    }
  }

private:
  void skip_space() {
    while (m_pos < m_text.size() && is_json_space(m_text[m_pos])) ++m_pos;
  }

  bool member_key() {
    skip_space();
    if (!string()) return false;
    skip_space();
    if (m_pos >= m_text.size() || m_text[m_pos] != ':') return false;
    ++m_pos;
    return true;
  }

  bool scalar() {
    const char c = m_text[m_pos];
    if (c == '"') return string();
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    for (std::string_view literal : {"true", "false", "null"}) {
      if (m_text.substr(m_pos, literal.size()) == literal) {
        m_pos += literal.size();
        return true;
      }
    }
    return false;
  }

  bool string() {
    if (m_pos >= m_text.size() || m_text[m_pos] != '"') return false;
    for (++m_pos; m_pos < m_text.size(); ++m_pos) {
      const auto c = static_cast<unsigned char>(m_text[m_pos]);
      if (c == '"') {
        ++m_pos;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (m_pos + 1 >= m_text.size()) return false;
        const char e = m_text[m_pos + 1];
        if (e == 'u') {
          if (read_u4(m_text, m_pos) < 0) return false;
          m_pos += 5;
        } else if (std::string_view("\"\\/bfnrt").find(e) != std::string_view::npos) {
          ++m_pos;
        } else {
          return false;
        }
      }
    }
    return false;
  }

  bool number() {
    const std::size_t start = m_pos;
    const auto digits = [&] {
      const std::size_t from = m_pos;
      while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9') ++m_pos;
      return m_pos - from;
    };
    if (m_text[m_pos] == '-') ++m_pos;
    if (m_pos < m_text.size() && m_text[m_pos] == '0') {
      ++m_pos;
    } else if (digits() == 0) {
      return false;
    }
    if (m_pos < m_text.size() && m_text[m_pos] == '.') {
      ++m_pos;
      if (digits() == 0) return false;
    }
    if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
      ++m_pos;
      if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-')) ++m_pos;
      if (digits() == 0) return false;
    }
    return !number_overflows(m_text.substr(start, m_pos - start));
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
};

// The span of the first top-level element of a deeply nested array.
Span first_element(std::string_view text) {
  std::size_t pos = 1;
  while (pos < text.size() && is_json_space(text[pos])) ++pos;
  return {pos, std::min(pos + 1, text.size())};
}

} // namespace

std::string json_unquote(std::string_view literal) {
  std::string out;
  const std::string_view body = literal.substr(1, literal.size() >= 2 ? literal.size() - 2 : 0);
  out.reserve(body.size());
  for (std::size_t pos = 0; pos < body.size();) {
    const auto c = static_cast<unsigned char>(body[pos]);
    if (c == '\\' && pos + 1 < body.size()) {
      const char e = body[pos + 1];
      switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        long unit = read_u4(body, pos);
        pos += 6;
        if (unit >= 0xD800 && unit < 0xE000) {
          // A surrogate pair decodes to one rune; anything else is U+FFFD.
          const long low = read_u4(body, pos);
          if (unit < 0xDC00 && low >= 0xDC00 && low < 0xE000) {
            append_rune(out, static_cast<char32_t>(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)));
            pos += 6;
            continue;
          }
          unit = k_rune_error;
        }
        append_rune(out, static_cast<char32_t>(unit < 0 ? k_rune_error : unit));
        continue;
      }
      default: out += e; break;
      }
      pos += 2;
      continue;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++pos;
      continue;
    }
    const DecodedRune rune = decode_rune(body, pos);
    append_rune(out, rune.rune);
    pos += rune.width;
  }
  return out;
}

JsonArray parse_json_array(GrammarSession& grammar, std::string_view text) {
  JsonArray result;
  if (text.empty() || text.front() != '[') {
    return result;
  }
  const std::size_t depth = nesting_depth(text, k_go_max_depth);
  if (depth > k_go_max_depth) {
    return result;
  }
  if (depth > k_grammar_max_depth) {
    // Valid JSON this deep always holds a nested array or object, which is
    // not a string: BuildKit's error. Invalid JSON is the shell form.
    if (DeepChecker(text).valid()) {
      result.kind = JsonArray::Kind::non_string;
      result.offending = first_element(text);
    }
    return result;
  }
  auto syntax = grammar.json_array(text);
  if (!syntax) {
    return result;
  }
  for (const Span& number : syntax->numbers) {
    if (number_overflows(text.substr(number.begin, number.size()))) {
      return result;
    }
  }
  for (const auto& element : syntax->elements) {
    if (!element.is_string) {
      result.kind = JsonArray::Kind::non_string;
      result.offending = element.where;
      return result;
    }
  }
  result.kind = JsonArray::Kind::strings;
  result.elements.reserve(syntax->elements.size());
  for (const auto& element : syntax->elements) {
    const std::string_view literal = text.substr(element.where.begin, element.where.size());
    result.elements.push_back({json_unquote(literal), element.where});
  }
  return result;
}

} // namespace distill::frontend
