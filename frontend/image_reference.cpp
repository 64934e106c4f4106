#include "frontend/image_reference.hpp"

#include "frontend/typed_support.hpp"

#include <regex>
#include <string>

namespace distill::frontend {
namespace {

// The grammar of distribution/reference (reference.go, regexp.go).
const std::regex& reference_regex() {
  static const std::regex k_regex = [] {
    const std::string domain_component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    const std::string domain_name = domain_component + "(?:\\." + domain_component + ")*";
    const std::string host = "(?:" + domain_name + "|\\[[a-fA-F0-9:]+\\])";
    const std::string domain = host + "(?::[0-9]+)?";
    const std::string path_component = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    const std::string name = "(?:" + domain + "/)?" + path_component + "(?:/" + path_component + ")*";
    const std::string tag = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    const std::string digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    return std::regex("^(" + name + ")(?::(" + tag + "))?(?:@(" + digest + "))?$", std::regex::ECMAScript);
  }();
  return k_regex;
}

bool is_hex64(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// splitDockerDomain: the remainder after an explicit registry host, if any.
std::string_view remainder_of(std::string_view name) {
  const auto slash = name.find('/');
  if (slash == std::string_view::npos) return name;
  const std::string_view first = name.substr(0, slash);
  const bool host = first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
                    ascii_lower(first) != first;
  return host ? name.substr(slash + 1) : name;
}

} // namespace

support::Result<void> check_image_reference(std::string_view reference) {
  if (is_hex64(reference)) {
    return support::fail("invalid repository name ({}), cannot specify 64-byte hexadecimal strings", reference);
  }
  const std::string_view remainder = remainder_of(reference);
  const std::string_view remote = remainder.substr(0, remainder.find(':'));
  if (ascii_lower(remote) != remote) {
    return support::fail("invalid reference format: repository name ({}) must be lowercase", remote);
  }
  const std::string text(reference);
  std::smatch match;
  if (!std::regex_match(text, match, reference_regex())) {
    if (text.empty()) return support::fail("repository name must have at least one component");
    const std::string lower = ascii_lower(text);
    if (std::regex_match(lower, reference_regex())) {
      return support::fail("invalid reference format: repository name must be lowercase");
    }
    return support::fail("invalid reference format");
  }
  if (match[1].length() > 255) return support::fail("repository name must not be more than 255 characters");
  return {};
}

} // namespace distill::frontend
