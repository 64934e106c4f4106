#include "backend/oci/json.hpp"

#include <charconv>
#include <ctime>

namespace distill::backend::oci {

using support::fail;
using support::Result;

std::string canonical_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<nlohmann::json> parse_json(std::string_view text, std::string_view what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return fail("{}: invalid JSON: {}", what, e.what());
  }
}

std::string rfc3339(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

Result<std::int64_t> parse_rfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  auto number = [&](std::size_t at, std::size_t len, int& out) {
    if (at + len > text.size()) {
      return false;
    }
    auto [ptr, ec] = std::from_chars(text.data() + at, text.data() + at + len, out);
    return ec == std::errc() && ptr == text.data() + at + len;
  };
  std::tm tm{};
  int year = 0, month = 0, day = 0;
  if (text.size() < 20 || !number(0, 4, year) || text[4] != '-' || !number(5, 2, month) ||
      text[7] != '-' || !number(8, 2, day) || (text[10] != 'T' && text[10] != 't') ||
      !number(11, 2, tm.tm_hour) || text[13] != ':' || !number(14, 2, tm.tm_min) ||
      text[16] != ':' || !number(17, 2, tm.tm_sec)) {
    return fail("not an RFC 3339 time: {:?}", std::string(text));
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  std::size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    ++at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      ++at;
    }
  }
  std::int64_t offset = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z') && at + 1 == text.size()) {
    offset = 0;
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    int hours = 0, minutes = 0;
    if (!number(at + 1, 2, hours) || !number(at + 4, 2, minutes)) {
      return fail("not an RFC 3339 time: {:?}", std::string(text));
    }
    offset = (hours * 3600 + minutes * 60) * (text[at] == '+' ? 1 : -1);
  } else {
    return fail("not an RFC 3339 time: {:?}", std::string(text));
  }
  return static_cast<std::int64_t>(::timegm(&tm)) - offset;
}

} // namespace distill::backend::oci
