#include "frontend/unicode.hpp"

#include <unicode/uchar.h>

namespace distill::frontend {

DecodedRune decode_rune(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) return {b0, 1};
  const std::size_t left = text.size() - pos;
  const auto cont = [&](std::size_t i) { return i < left && (byte(pos + i) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) {
    return {static_cast<char32_t>((b0 & 0x1F) << 6 | (byte(pos + 1) & 0x3F)), 2};
  }
  if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
    const unsigned char b1 = byte(pos + 1);
    // Overlong forms and surrogates are invalid, as in Go.
    if ((b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 > 0x9F)) return {k_rune_error, 1};
    return {static_cast<char32_t>((b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | (byte(pos + 2) & 0x3F)), 3};
  }
  if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    const unsigned char b1 = byte(pos + 1);
    if ((b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 > 0x8F)) return {k_rune_error, 1};
    return {static_cast<char32_t>((b0 & 0x07) << 18 | (b1 & 0x3F) << 12 | (byte(pos + 2) & 0x3F) << 6 |
                                  (byte(pos + 3) & 0x3F)),
            4};
  }
  return {k_rune_error, 1};
}

std::vector<char32_t> decode_runes(std::string_view text) {
  std::vector<char32_t> out;
  for (std::size_t pos = 0; pos < text.size();) {
    const auto [rune, width] = decode_rune(text, pos);
    out.push_back(rune);
    pos += width;
  }
  return out;
}

void append_rune(std::string& out, char32_t rune) {
  if (rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) rune = k_rune_error;
  if (rune < 0x80) {
    out.push_back(static_cast<char>(rune));
  } else if (rune < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (rune >> 6)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else if (rune < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (rune >> 12)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (rune >> 18)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((rune >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (rune & 0x3F)));
  }
}

bool is_letter(char32_t rune) {
  if (rune < 0x80) return (rune >= 'a' && rune <= 'z') || (rune >= 'A' && rune <= 'Z');
  return rune <= 0x10FFFF && u_isalpha(static_cast<UChar32>(rune));
}

bool is_digit(char32_t rune) {
  if (rune < 0x80) return rune >= '0' && rune <= '9';
  return rune <= 0x10FFFF && u_isdigit(static_cast<UChar32>(rune));
}

bool is_space(char32_t rune) {
  switch (rune) {
  case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xA0:
    return true;
  default:
    return rune > 0xFF && rune <= 0x10FFFF && u_isUWhiteSpace(static_cast<UChar32>(rune));
  }
}

bool is_print(char32_t rune) {
  if (rune < 0x80) return rune >= 0x20 && rune < 0x7F;
  if (rune > 0x10FFFF) return false;
  const auto mask = U_GET_GC_MASK(static_cast<UChar32>(rune));
  return (mask & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK | U_GC_P_MASK | U_GC_S_MASK)) != 0;
}

} // namespace distill::frontend
