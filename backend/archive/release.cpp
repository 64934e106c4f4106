#include "backend/archive/release.hpp"

#include "backend/fetch/cache.hpp"
#include "planner/debian/control.hpp"

#include <charconv>
#include <sstream>

namespace distill::backend::archive {

namespace debian = planner::debian;

namespace {

std::vector<std::string> words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> out;
  for (std::string w; in >> w;) {
    out.push_back(w);
  }
  return out;
}

support::Result<void> parse_sha256_list(std::string_view value, ReleaseInfo& info,
                                        std::string_view what) {
  for (auto line : debian::value_lines(value)) {
    const auto parts = words(line);
    std::uint64_t size = 0;
    if (parts.size() != 3 || !fetch::is_sha256_hex(parts[0]) ||
        std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), size).ec != std::errc{}) {
      return support::fail("{}: malformed SHA256 line \"{}\" (expected \"<sha256> <size> <path>\")",
                           what, line);
    }
    info.files[parts[2]] = ReleaseEntry{parts[0], size};
  }
  return {};
}

} // namespace

int ReleaseInfo::pin_priority() const {
  if (!not_automatic) {
    return 500;
  }
  return but_automatic_upgrades ? 100 : 1;
}

std::optional<std::time_t> parse_release_date(std::string_view text) {
  // strptime's %a/%b are locale-dependent; parse the fixed English form by hand.
  static constexpr std::string_view k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto parts = words(text);
  if (!parts.empty() && parts[0].ends_with(',')) {
    parts.erase(parts.begin()); // the weekday is optional and carries no information
  }
  if (parts.size() < 4) {
    return std::nullopt;
  }
  std::tm tm{};
  int day = 0;
  int year = 0;
  int h = 0;
  int m = 0;
  int s = 0;
  if (std::sscanf(parts[0].c_str(), "%d", &day) != 1 || std::sscanf(parts[2].c_str(), "%d", &year) != 1 ||
      std::sscanf(parts[3].c_str(), "%d:%d:%d", &h, &m, &s) != 3) {
    return std::nullopt;
  }
  int month = -1;
  for (int i = 0; i < 12; ++i) {
    if (parts[1] == k_months[i]) {
      month = i;
    }
  }
  if (month < 0 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60) {
    return std::nullopt;
  }
  const std::string zone = parts.size() > 4 ? parts[4] : "UTC";
  if (zone != "UTC" && zone != "GMT" && zone != "Z" && zone != "+0000" && zone != "-0000") {
    return std::nullopt; // archives write UTC; anything else is not worth guessing
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = s;
  return ::timegm(&tm);
}

support::Result<ReleaseInfo> parse_release(std::string_view text, std::string_view what) {
  auto stanzas = debian::parse_control(text, {.allow_comments = false, .reject_duplicates = true});
  if (!stanzas) {
    return std::unexpected(stanzas.error().context(what));
  }
  if (stanzas->size() != 1) {
    return support::fail("{}: expected one stanza, found {}", what, stanzas->size());
  }
  const debian::Stanza& stanza = stanzas->front();
  ReleaseInfo info;
  info.origin = std::string(stanza.get("Origin"));
  info.label = std::string(stanza.get("Label"));
  info.suite = std::string(stanza.get("Suite"));
  info.codename = std::string(stanza.get("Codename"));
  info.version = std::string(stanza.get("Version"));
  info.architectures = words(stanza.get("Architectures"));
  info.components = words(stanza.get("Components"));
  info.acquire_by_hash = stanza.get("Acquire-By-Hash") == "yes";
  info.not_automatic = stanza.get("NotAutomatic") == "yes";
  info.but_automatic_upgrades = stanza.get("ButAutomaticUpgrades") == "yes";
  for (const auto& [field, slot] : {std::pair{"Date", &info.date}, std::pair{"Valid-Until", &info.valid_until}}) {
    if (stanza.has(field)) {
      *slot = parse_release_date(stanza.get(field));
      if (!*slot) {
        return support::fail("{}: cannot read the {} \"{}\"", what, field, stanza.get(field));
      }
    }
  }
  if (!stanza.has("SHA256")) {
    return support::fail("{}: no SHA256 list (an archive signed with MD5/SHA1 only is not trusted)",
                         what);
  }
  if (auto parsed = parse_sha256_list(stanza.get("SHA256"), info, what); !parsed) {
    return std::unexpected(parsed.error());
  }
  return info;
}

support::Result<void> check_release(const ReleaseInfo& release, std::string_view suite,
                                    std::time_t now, bool check_valid_until, std::string_view what) {
  if (release.suite != suite && release.codename != suite) {
    return support::fail("{}: asked for suite {}, but the file is for Suite \"{}\", Codename \"{}\"",
                         what, suite, release.suite, release.codename);
  }
  if (check_valid_until && release.valid_until && now > *release.valid_until) {
    char when[64];
    std::tm tm{};
    ::gmtime_r(&*release.valid_until, &tm);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return support::fail("{} has expired (Valid-Until {}): the mirror is stale or replaying an old "
                         "index; use a fresh mirror, or --snapshot for a frozen archive",
                         what, when);
  }
  return {};
}

} // namespace distill::backend::archive
