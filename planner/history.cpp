#include "planner/history.hpp"

#include <fmt/format.h>

namespace distill::planner {
namespace {

// strconv.Quote for the bytes Dockerfiles hold (valid UTF-8 passes through).
std::string go_quote(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    case '\a': out += "\\a"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\v': out += "\\v"; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        out += fmt::format("\\x{:02x}", c);
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
  }
  return out + "\"";
}

// strconv.QuoteRune for small numbers (Go prints an int with %q this way).
std::string go_quote_rune(int value) {
  switch (value) {
  case '\a': return "'\\a'";
  case '\b': return "'\\b'";
  case '\f': return "'\\f'";
  case '\n': return "'\\n'";
  case '\r': return "'\\r'";
  case '\t': return "'\\t'";
  case '\v': return "'\\v'";
  case '\'': return "'\\''";
  case '\\': return "'\\\\'";
  default: break;
  }
  if (value >= 0x20 && value < 0x7f) {
    return std::string("'") + static_cast<char>(value) + "'";
  }
  if (value >= 0 && value < 0x80) {
    return fmt::format("'\\x{:02x}'", value);
  }
  return fmt::format("'\\u{:04x}'", value);
}

std::string fraction(long long value, long long unit) {
  std::string out = std::to_string(value / unit);
  long long rest = value % unit;
  if (rest == 0) {
    return out;
  }
  std::string digits = fmt::format("{}", rest);
  const std::size_t width = std::to_string(unit).size() - 1;
  digits.insert(0, width - digits.size(), '0');
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return out + "." + digits;
}

} // namespace

std::string go_duration(long long ns) {
  if (ns == 0) return "0s";
  std::string sign;
  if (ns < 0) {
    sign = "-";
    ns = -ns;
  }
  if (ns < 1'000) return sign + std::to_string(ns) + "ns";
  if (ns < 1'000'000) return sign + fraction(ns, 1'000) + "\u00b5s";
  if (ns < 1'000'000'000) return sign + fraction(ns, 1'000'000) + "ms";
  const long long hours = ns / 3'600'000'000'000LL;
  ns %= 3'600'000'000'000LL;
  const long long minutes = ns / 60'000'000'000LL;
  ns %= 60'000'000'000LL;
  std::string out = sign;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  return out + fraction(ns, 1'000'000'000) + "s";
}

std::string go_quoted_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i ? " " : "") + go_quote(items[i]);
  }
  return out + "]";
}

std::string go_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i ? " " : "") + items[i];
  }
  return out + "]";
}

std::string run_history(const std::vector<std::string>& args, const std::vector<std::string>& build_args) {
  std::string out = "RUN ";
  if (!build_args.empty()) {
    out += fmt::format("|{} ", build_args.size());
    for (const std::string& arg : build_args) out += arg + " ";
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    out += (i ? " " : "") + args[i];
  }
  return out + " # buildkit";
}

std::string copy_history(const Copy& copy, const std::string& chmod) {
  std::string out = copy.add ? "ADD" : "COPY";
  if (copy.parents) out += " --parents";
  if (!copy.chown.empty()) out += " --chown=" + copy.chown;
  if (!chmod.empty()) out += " --chmod=" + chmod;
  for (const std::string& source : copy.sources) out += " " + source;
  for (const Copy::Inline& file : copy.inline_files) out += " <<" + file.name;
  return out + " " + copy.dest + " # buildkit";
}

std::string healthcheck_history(const Healthcheck& health) {
  return "HEALTHCHECK &{" + go_quoted_list(health.test) + " " + go_quote(go_duration(health.interval_ns.value_or(0))) +
         " " + go_quote(go_duration(health.timeout_ns.value_or(0))) + " " +
         go_quote(go_duration(health.start_period_ns.value_or(0))) + " " +
         go_quote(go_duration(health.start_interval_ns.value_or(0))) + " " + go_quote_rune(health.retries.value_or(0)) +
         "}";
}

} // namespace distill::planner
