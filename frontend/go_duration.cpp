#include "frontend/go_duration.hpp"

#include "frontend/go_quote.hpp"

#include <array>
#include <cstdint>
#include <utility>

namespace distill::frontend {
namespace {

constexpr std::uint64_t k_limit = 1ULL << 63;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::uint64_t unit_of(std::string_view unit) {
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 8> k_units = {{
      {"ns", 1ULL},
      {"us", 1000ULL},
      {"\xC2\xB5s", 1000ULL}, // U+00B5 micro sign
      {"\xCE\xBCs", 1000ULL}, // U+03BC Greek mu
      {"ms", 1000000ULL},
      {"s", 1000000000ULL},
      {"m", 60ULL * 1000000000ULL},
      {"h", 3600ULL * 1000000000ULL},
  }};
  for (const auto& [name, nanos] : k_units) {
    if (name == unit) return nanos;
  }
  return 0;
}

} // namespace

support::Result<long long> parse_go_duration(std::string_view text) {
  const std::string quoted = go_quote(text);
  const auto invalid = [&] { return support::fail("time: invalid duration {}", quoted); };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0LL;
  if (s.empty()) return invalid();
  std::uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) return invalid();
    std::uint64_t whole = 0;
    std::size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      if (whole > k_limit / 10) return invalid();
      whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
      if (whole > k_limit) return invalid();
    }
    const bool pre = i > 0;
    s.remove_prefix(i);
    std::uint64_t fraction = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      std::size_t j = 0;
      bool overflow = false;
      for (; j < s.size() && is_digit(s[j]); ++j) {
        if (overflow) continue;
        if (fraction > (k_limit - 1) / 10) {
          overflow = true; // further digits do not count
          continue;
        }
        const std::uint64_t next = fraction * 10 + static_cast<std::uint64_t>(s[j] - '0');
        if (next > k_limit) {
          overflow = true;
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      post = j > 0;
      s.remove_prefix(j);
    }
    if (!pre && !post) return invalid();
    std::size_t u = 0;
    while (u < s.size() && !(s[u] == '.' || is_digit(s[u]))) ++u;
    if (u == 0) return support::fail("time: missing unit in duration {}", quoted);
    const std::string_view unit_text = s.substr(0, u);
    s.remove_prefix(u);
    const std::uint64_t unit = unit_of(unit_text);
    if (unit == 0) return support::fail("time: unknown unit {} in duration {}", go_quote(unit_text), quoted);
    if (whole > k_limit / unit) return invalid();
    std::uint64_t value = whole * unit;
    if (fraction > 0) {
      value += static_cast<std::uint64_t>(static_cast<double>(fraction) * (static_cast<double>(unit) / scale));
      if (value > k_limit) return invalid();
    }
    total += value;
    if (total > k_limit) return invalid();
  }
  if (negative) return total == 0 ? 0LL : -static_cast<long long>(total - 1) - 1;
  if (total > k_limit - 1) return invalid();
  return static_cast<long long>(total);
}

support::Result<int> parse_go_int32(std::string_view text) {
  const std::string quoted = go_quote(text);
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return support::fail("strconv.ParseInt: parsing {}: invalid syntax", quoted);
  long long value = 0;
  bool out_of_range = false;
  for (char c : s) {
    if (!is_digit(c)) return support::fail("strconv.ParseInt: parsing {}: invalid syntax", quoted);
    if (value <= (1LL << 40)) value = value * 10 + (c - '0');
    if (value > (1LL << 31)) out_of_range = true;
  }
  if (negative) value = -value;
  if (out_of_range || value > 0x7FFFFFFFLL || value < -0x80000000LL) {
    return support::fail("strconv.ParseInt: parsing {}: value out of range", quoted);
  }
  return static_cast<int>(value);
}

} // namespace distill::frontend
