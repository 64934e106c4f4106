#pragma once

// Go's strings package as BuildKit's parser uses it: white space trimming by
// unicode.IsSpace, Unicode case mapping (strings.ToLower/ToUpper, where an
// invalid byte becomes U+FFFD), and unicode.IsSpace applied to a single byte,
// which BuildKit's flag splitter does.

#include <cstddef>
#include <string>
#include <string_view>

namespace distill::frontend {

// Byte offsets [begin, end) of `text` without leading and trailing white space
// (Go's strings.TrimSpace).
struct Trimmed {
  std::size_t begin = 0;
  std::size_t end = 0;
};
Trimmed go_trim_space(std::string_view text);

// Offset of the first rune of `text` that is not white space (TrimLeftFunc).
std::size_t go_trim_left_space(std::string_view text);

// Go's strings.ToLower / strings.ToUpper.
std::string go_to_lower(std::string_view text);
std::string go_to_upper(std::string_view text);

// unicode.IsSpace(rune(b)): the byte read as a Latin-1 code point.
constexpr bool go_is_space_byte(unsigned char b) {
  return b == ' ' || (b >= '\t' && b <= '\r') || b == 0x85 || b == 0xA0;
}

// Appends the byte as the Latin-1 code point it is read as, UTF-8 encoded
// (Go's `string(rune(b))`): BuildKit's flag splitter does this to every byte.
void append_latin1(std::string& out, unsigned char b);

} // namespace distill::frontend
