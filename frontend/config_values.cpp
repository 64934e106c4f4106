#include "frontend/config_values.hpp"

#include "frontend/typed_support.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace distill::frontend {
namespace {

constexpr std::array<std::pair<std::string_view, int>, 34> k_signals = {{
    {"ABRT", 6},    {"ALRM", 14}, {"BUS", 7},     {"CHLD", 17},  {"CLD", 17},   {"CONT", 18},  {"FPE", 8},
    {"HUP", 1},     {"ILL", 4},   {"INT", 2},     {"IO", 29},    {"IOT", 6},    {"KILL", 9},   {"PIPE", 13},
    {"POLL", 29},   {"PROF", 27}, {"PWR", 30},    {"QUIT", 3},   {"SEGV", 11},  {"STKFLT", 16}, {"STOP", 19},
    {"SYS", 31},    {"TERM", 15}, {"TRAP", 5},    {"TSTP", 20},  {"TTIN", 21},  {"TTOU", 22},  {"URG", 23},
    {"USR1", 10},   {"USR2", 12}, {"VTALRM", 26}, {"WINCH", 28}, {"XCPU", 24},  {"XFSZ", 25},
}};

constexpr int k_rtmin = 34;
constexpr int k_rtmax = 64;

// strconv.Atoi.
std::optional<long long> atoi(std::string_view text) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  long long value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return negative ? -value : value;
}

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// A container port or range "80" / "8000-8010".
std::optional<std::pair<long long, long long>> port_range(std::string_view text) {
  const auto dash = text.find('-');
  const auto first = atoi(text.substr(0, dash));
  const auto last = dash == std::string_view::npos ? first : atoi(text.substr(dash + 1));
  if (!first || !last || text.starts_with('+') || text.starts_with('-')) return std::nullopt;
  if (*first < 0 || *last > 65535 || *last < *first) return std::nullopt;
  return std::pair{*first, *last};
}

} // namespace

support::Result<int> parse_stop_signal(std::string_view text) {
  if (auto number = atoi(text)) {
    if (*number == 0) return support::fail("invalid signal: {}", text);
    return static_cast<int>(*number);
  }
  std::string name = ascii_upper(text);
  if (name.starts_with("SIG")) name.erase(0, 3);
  for (const auto& [known, number] : k_signals) {
    if (known == name) return number;
  }
  if (name == "RTMIN") return k_rtmin;
  if (name == "RTMAX") return k_rtmax;
  for (int i = 1; i <= 15; ++i) {
    if (name == "RTMIN+" + std::to_string(i)) return k_rtmin + i;
    if (name == "RTMAX-" + std::to_string(i)) return k_rtmax - i;
  }
  return support::fail("invalid signal: {}", text);
}

support::Result<std::vector<std::string>> expose_port_keys(std::string_view spec) {
  // [ip:][hostPort:]containerPort[/proto]; only the container part is kept.
  std::string_view rest = spec;
  std::string proto = "tcp";
  if (const auto slash = rest.rfind('/'); slash != std::string_view::npos) {
    proto = ascii_lower(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
    if (proto != "tcp" && proto != "udp" && proto != "sctp") return support::fail("invalid proto: {}", proto);
  }
  if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) rest = rest.substr(colon + 1);
  if (rest.empty()) return support::fail("no port specified: {}<empty>", spec);
  const auto range = port_range(rest);
  if (!range) return support::fail("invalid containerPort: {}", rest);
  std::vector<std::string> keys;
  for (long long port = range->first; port <= range->second; ++port) {
    keys.push_back(std::to_string(port) + "/" + proto);
  }
  return keys;
}

} // namespace distill::frontend
