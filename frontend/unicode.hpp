#pragma once

// UTF-8 decoding and Unicode character classes with Go's semantics, which
// BuildKit's lexer and quoting depend on (unicode.IsLetter, IsDigit, IsSpace,
// IsPrint; invalid bytes decode as U+FFFD, one byte wide).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace distill::frontend {

inline constexpr char32_t k_rune_error = 0xFFFD;

struct DecodedRune {
  char32_t rune = 0;
  std::size_t width = 0; // bytes consumed; 1 for an invalid byte
};

// Decodes the rune at `pos` (pos < text.size()) like Go's utf8.DecodeRuneInString.
DecodedRune decode_rune(std::string_view text, std::size_t pos);

// All runes of `text`, decoded as decode_rune() does.
std::vector<char32_t> decode_runes(std::string_view text);

// Appends the UTF-8 encoding of `rune` (invalid code points as U+FFFD).
void append_rune(std::string& out, char32_t rune);

bool is_letter(char32_t rune); // general category L
bool is_digit(char32_t rune);  // general category Nd
bool is_space(char32_t rune);  // the White_Space property
bool is_print(char32_t rune);  // categories L, M, N, P, S, or U+0020

} // namespace distill::frontend
