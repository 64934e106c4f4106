#include "frontend/suggest.hpp"

#include "frontend/unicode.hpp"

#include <algorithm>
#include <numeric>
#include <unicode/uchar.h>
#include <vector>

namespace distill::frontend {
namespace {

// Go's strings.ToLower / ToUpper (simple case mapping per rune).
std::string map_case(std::string_view text, bool upper) {
  std::string out;
  for (char32_t rune : decode_runes(text)) {
    const auto mapped = upper ? u_toupper(static_cast<UChar32>(rune)) : u_tolower(static_cast<UChar32>(rune));
    append_rune(out, static_cast<char32_t>(mapped));
  }
  return out;
}

} // namespace

int levenshtein(std::string_view a, std::string_view b) {
  const auto ra = decode_runes(a);
  const auto rb = decode_runes(b);
  std::vector<int> row(rb.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= ra.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= rb.size(); ++j) {
      const int above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (ra[i - 1] == rb[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[rb.size()];
}

std::string suggest(std::string_view value, std::span<const std::string_view> options, bool case_sensitive) {
  const std::string val = case_sensitive ? std::string(value) : map_case(value, false);
  std::string match;
  int min_distance = 3; // as hcl and BuildKit
  for (std::string_view option : options) {
    const std::string opt = case_sensitive ? std::string(option) : map_case(option, false);
    if (val == opt) return {}; // an exact match: the error is about something else
    const int distance = levenshtein(val, opt);
    if (distance < min_distance) {
      match = opt;
      if (!case_sensitive) {
        if (value == map_case(value, false)) {
          match = map_case(opt, false);
        } else if (value == map_case(value, true)) {
          match = map_case(opt, true);
        }
      }
      min_distance = distance;
    }
  }
  return match;
}

std::string with_suggestion(std::string message, std::string_view value,
                            std::span<const std::string_view> options, bool case_sensitive) {
  const std::string match = suggest(value, options, case_sensitive);
  if (!match.empty()) message += " (did you mean " + match + "?)";
  return message;
}

} // namespace distill::frontend
