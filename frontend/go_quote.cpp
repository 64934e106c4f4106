#include "frontend/go_quote.hpp"

#include "frontend/unicode.hpp"

#include <fmt/format.h>

namespace distill::frontend {

std::string go_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (std::size_t pos = 0; pos < text.size();) {
    const auto [rune, width] = decode_rune(text, pos);
    if (rune == k_rune_error && width == 1) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[pos]));
      pos += width;
      continue;
    }
    pos += width;
    if (rune == '"' || rune == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(rune));
    } else if (is_print(rune)) {
      append_rune(out, rune);
    } else {
      switch (rune) {
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (rune < ' ' || rune == 0x7F) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned>(rune));
        } else if (rune < 0x10000) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(rune));
        } else {
          out += fmt::format("\\U{:08x}", static_cast<unsigned>(rune));
        }
      }
    }
  }
  out.push_back('"');
  return out;
}

} // namespace distill::frontend
