#include "planner/debian/version.hpp"

#include <limits>

namespace distill::planner::debian {
namespace {

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_blank(char c) { return c == ' ' || c == '\t'; }

// dpkg's order(): digits never reach here; the end of the string is 0, '~'
// sorts below it, letters above it and other symbols above letters.
constexpr int order(char c) {
  if (is_alpha(c)) {
    return static_cast<unsigned char>(c);
  }
  if (c == '~') {
    return -1;
  }
  return static_cast<unsigned char>(c) + 256;
}

// The parse shared by parse_version and split_version; `epoch_digits` is
// empty when there is no colon.
struct Split {
  Version version;
  std::string_view epoch_digits;
  bool has_colon = false;
  bool epoch_overflow = false;
};

Split split(std::string_view text) {
  Split out;
  std::size_t colon = text.find(':');
  std::string_view rest = text;
  if (colon != std::string_view::npos) {
    std::string_view digits = text.substr(0, colon);
    bool numeric = !digits.empty();
    std::uint64_t epoch = 0;
    for (char c : digits) {
      if (!is_digit(c)) {
        numeric = false;
        break;
      }
      epoch = epoch * 10 + static_cast<std::uint64_t>(c - '0');
      if (epoch > std::numeric_limits<std::int32_t>::max()) {
        out.epoch_overflow = true;
        epoch = std::numeric_limits<std::int32_t>::max();
      }
    }
    out.has_colon = true;
    out.epoch_digits = digits;
    if (numeric) {
      out.version.epoch = static_cast<std::uint32_t>(epoch);
    }
    rest = text.substr(colon + 1);
  }
  std::size_t hyphen = rest.rfind('-');
  if (hyphen != std::string_view::npos) {
    out.version.upstream = rest.substr(0, hyphen);
    out.version.revision = rest.substr(hyphen + 1);
  } else {
    out.version.upstream = rest;
  }
  return out;
}

support::Result<Version> bad(std::string_view text, std::string_view why) {
  return support::fail("version '{}' has bad syntax: {}", text, why);
}

} // namespace

int compare_fragment(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  const std::size_t na = a.size();
  const std::size_t nb = b.size();
  while (i < na || j < nb) {
    while ((i < na && !is_digit(a[i])) || (j < nb && !is_digit(b[j]))) {
      int ac = (i < na && !is_digit(a[i])) ? order(a[i]) : 0;
      int bc = (j < nb && !is_digit(b[j])) ? order(b[j]) : 0;
      if (ac != bc) {
        return ac - bc;
      }
      ++i;
      ++j;
    }
    while (i < na && a[i] == '0') {
      ++i;
    }
    while (j < nb && b[j] == '0') {
      ++j;
    }
    int first_diff = 0;
    while (i < na && j < nb && is_digit(a[i]) && is_digit(b[j])) {
      if (first_diff == 0) {
        first_diff = a[i] - b[j];
      }
      ++i;
      ++j;
    }
    if (i < na && is_digit(a[i])) {
      return 1;
    }
    if (j < nb && is_digit(b[j])) {
      return -1;
    }
    if (first_diff != 0) {
      return first_diff;
    }
  }
  return 0;
}

Version split_version(std::string_view text) { return split(text).version; }

support::Result<Version> parse_version(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_blank(text.back())) {
    text.remove_suffix(1);
  }
  if (text.empty()) {
    return support::fail("version string is empty");
  }
  for (char c : text) {
    if (is_blank(c)) {
      return bad(text, "version string has embedded spaces");
    }
  }
  Split s = split(text);
  if (s.has_colon) {
    if (s.epoch_digits.empty()) {
      return bad(text, "epoch in version is empty");
    }
    for (char c : s.epoch_digits) {
      if (!is_digit(c)) {
        return bad(text, "epoch in version is not number");
      }
    }
    if (s.epoch_overflow) {
      return bad(text, "epoch in version is too big");
    }
    if (text.size() == s.epoch_digits.size() + 1) {
      return bad(text, "nothing after colon in version number");
    }
  }
  const Version& v = s.version;
  if (text.back() == '-') {
    return bad(text, "revision number is empty");
  }
  if (v.upstream.empty()) {
    return bad(text, "upstream version is empty");
  }
  if (!is_digit(v.upstream.front())) {
    return bad(text, "version number does not start with digit");
  }
  for (char c : v.upstream) {
    if (!is_digit(c) && !is_alpha(c) && c != '.' && c != '-' && c != '+' && c != '~' && c != ':') {
      return bad(text, "invalid character in version number");
    }
  }
  for (char c : v.revision) {
    if (!is_digit(c) && !is_alpha(c) && c != '.' && c != '+' && c != '~') {
      return bad(text, "invalid character in revision number");
    }
  }
  return v;
}

int compare_versions(const Version& a, const Version& b) {
  if (a.epoch != b.epoch) {
    return a.epoch < b.epoch ? -1 : 1;
  }
  if (int r = compare_fragment(a.upstream, b.upstream); r != 0) {
    return r;
  }
  return compare_fragment(a.revision, b.revision);
}

int compare_versions(std::string_view a, std::string_view b) {
  if (a == b) {
    return 0;
  }
  return compare_versions(split_version(a), split_version(b));
}

} // namespace distill::planner::debian
