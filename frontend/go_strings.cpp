#include "frontend/go_strings.hpp"

#include "frontend/unicode.hpp"

#include <unicode/uchar.h>

namespace distill::frontend {
namespace {

// utf8.DecodeLastRuneInString: the rune that ends at `end` and its width.
DecodedRune decode_last_rune(std::string_view text, std::size_t end) {
  if (static_cast<unsigned char>(text[end - 1]) < 0x80) {
    return {static_cast<unsigned char>(text[end - 1]), 1};
  }
  const std::size_t limit = end >= 4 ? end - 4 : 0;
  std::size_t start = end - 1;
  while (start > limit && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) {
    --start;
  }
  const DecodedRune rune = decode_rune(text.substr(0, end), start);
  if (start + rune.width != end) {
    return {k_rune_error, 1};
  }
  return rune;
}

template <typename Map>
std::string map_runes(std::string_view text, Map map) {
  bool ascii = true;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  std::string out;
  out.reserve(text.size());
  if (ascii) {
    for (char c : text) {
      out.push_back(static_cast<char>(map(static_cast<unsigned char>(c))));
    }
    return out;
  }
  for (std::size_t pos = 0; pos < text.size();) {
    const DecodedRune rune = decode_rune(text, pos);
    append_rune(out, map(rune.rune));
    pos += rune.width;
  }
  return out;
}

} // namespace

Trimmed go_trim_space(std::string_view text) {
  std::size_t begin = go_trim_left_space(text);
  std::size_t end = text.size();
  while (end > begin) {
    const DecodedRune rune = decode_last_rune(text, end);
    if (!is_space(rune.rune)) {
      break;
    }
    end -= rune.width;
  }
  return {begin, end};
}

std::size_t go_trim_left_space(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80) {
      if (!go_is_space_byte(byte)) {
        break;
      }
      ++pos;
      continue;
    }
    const DecodedRune rune = decode_rune(text, pos);
    if (!is_space(rune.rune)) {
      break;
    }
    pos += rune.width;
  }
  return pos;
}

std::string go_to_lower(std::string_view text) {
  return map_runes(text, [](char32_t r) -> char32_t {
    if (r < 0x80) {
      return r >= 'A' && r <= 'Z' ? r + ('a' - 'A') : r;
    }
    return static_cast<char32_t>(u_tolower(static_cast<UChar32>(r)));
  });
}

std::string go_to_upper(std::string_view text) {
  return map_runes(text, [](char32_t r) -> char32_t {
    if (r < 0x80) {
      return r >= 'a' && r <= 'z' ? r - ('a' - 'A') : r;
    }
    return static_cast<char32_t>(u_toupper(static_cast<UChar32>(r)));
  });
}

void append_latin1(std::string& out, unsigned char b) {
  if (b < 0x80) {
    out.push_back(static_cast<char>(b));
  } else {
    out.push_back(static_cast<char>(0xC0 | (b >> 6)));
    out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
  }
}

} // namespace distill::frontend
