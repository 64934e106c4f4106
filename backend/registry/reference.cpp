#include "backend/registry/reference.hpp"

#include <algorithm>
#include <cctype>

namespace distill::backend::registry {

namespace {

using support::fail;
using support::Result;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// The legacy spelling of the default domain, which Docker folds into it.
std::string legacy_default_domain() { return "index." + std::string(k_default_domain); }

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [_.] | __ | -+
bool valid_path_component(std::string_view part) {
  if (part.empty() || !is_lower_alnum(part.front()) || !is_lower_alnum(part.back())) {
    return false;
  }
  for (std::size_t i = 0; i < part.size();) {
    if (is_lower_alnum(part[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < part.size() && !is_lower_alnum(part[end])) {
      ++end;
    }
    const auto separator = part.substr(i, end - i);
    const bool dashes = std::all_of(separator.begin(), separator.end(), [](char c) { return c == '-'; });
    if (!(separator == "." || separator == "_" || separator == "__" || dashes)) {
      return false;
    }
    i = end;
  }
  return true;
}

// domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool valid_domain_component(std::string_view part) {
  if (part.empty() || !is_alnum(part.front()) || !is_alnum(part.back())) {
    return false;
  }
  return std::all_of(part.begin(), part.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

// domain := host [':' port], host := domain-name | '[' ipv6 ']'
Result<void> check_domain(std::string_view domain) {
  std::string_view host = domain;
  std::string_view port;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    if (close == std::string_view::npos) {
      return fail("the IPv6 address in \"{}\" has no closing ']'", domain);
    }
    const auto address = host.substr(1, close - 1);
    if (address.empty() || !std::all_of(address.begin(), address.end(),
                                         [](char c) { return is_hex(c) || c == ':'; })) {
      return fail("\"{}\" is not an IPv6 address", address);
    }
    const auto rest = host.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) {
        return fail("unexpected \"{}\" after the IPv6 address", rest);
      }
      port = rest.substr(1);
      if (port.empty()) {
        return fail("the port after \"{}\" is empty", host.substr(0, close + 1));
      }
    }
  } else {
    if (const auto colon = host.find(':'); colon != std::string_view::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
      if (port.empty()) {
        return fail("the port after \"{}\" is empty", host);
      }
    }
    std::size_t start = 0;
    while (true) {
      const auto dot = host.find('.', start);
      const auto part = host.substr(start, dot == std::string_view::npos ? host.npos : dot - start);
      if (!valid_domain_component(part)) {
        return fail("\"{}\" is not a valid registry host name", host);
      }
      if (dot == std::string_view::npos) {
        break;
      }
      start = dot + 1;
    }
  }
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return fail("the port \"{}\" is not a number", port);
  }
  return {};
}

// digest := algorithm ':' hex{32,}; sha256 must have exactly 64 lower-case digits.
Result<void> check_digest(std::string_view digest) {
  const auto colon = digest.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return fail("the digest \"{}\" is not ALGORITHM:HEX", digest);
  }
  const auto algorithm = digest.substr(0, colon);
  const auto hex = digest.substr(colon + 1);
  if (!std::isalpha(static_cast<unsigned char>(algorithm.front())) ||
      !std::all_of(algorithm.begin(), algorithm.end(),
                   [](char c) { return is_alnum(c) || c == '+' || c == '.' || c == '-' || c == '_'; })) {
    return fail("the digest algorithm \"{}\" is not valid", algorithm);
  }
  if (hex.size() < 32 || !std::all_of(hex.begin(), hex.end(), is_hex)) {
    return fail("the digest \"{}\" needs at least 32 hexadecimal digits after the ':'", digest);
  }
  if (algorithm == "sha256" &&
      (hex.size() != 64 || !std::all_of(hex.begin(), hex.end(), [](char c) { return !std::isupper(c); }))) {
    return fail("a sha256 digest has 64 lower-case hexadecimal digits, \"{}\" has not", digest);
  }
  if (algorithm != "sha256") {
    return fail("only sha256 digests are supported, not \"{}\"", algorithm);
  }
  return {};
}

// tag := [\w][\w.-]{0,127}
Result<void> check_tag(std::string_view tag) {
  if (tag.empty()) {
    return fail("the tag after ':' is empty");
  }
  if (tag.size() > 128) {
    return fail("the tag \"{}...\" is longer than 128 characters", tag.substr(0, 20));
  }
  if (!is_word(tag.front()) ||
      !std::all_of(tag.begin(), tag.end(), [](char c) { return is_word(c) || c == '.' || c == '-'; })) {
    return fail("the tag \"{}\" may hold only letters, digits, '_', '.' and '-' (not first)", tag);
  }
  return {};
}

Result<Reference> parse(std::string_view text) {
  if (text.empty()) {
    return fail("the reference is empty");
  }
  if (text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) { return is_hex(c) && !std::isupper(c); })) {
    return fail("a 64-digit hexadecimal string is an image ID, not a name; write NAME@sha256:{}", text);
  }
  Reference ref;
  std::string_view rest = text;
  if (const auto at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (auto ok = check_digest(ref.digest); !ok) {
      return std::unexpected(ok.error());
    }
  }
  const auto last_slash = rest.rfind('/');
  const auto last_colon = rest.rfind(':');
  if (last_colon != std::string_view::npos && (last_slash == std::string_view::npos || last_colon > last_slash)) {
    // A colon after the last slash is the tag, unless it closes an IPv6 host.
    const bool ipv6_port = last_slash == std::string_view::npos && rest.starts_with('[');
    if (!ipv6_port) {
      ref.tag = std::string(rest.substr(last_colon + 1));
      rest = rest.substr(0, last_colon);
      if (auto ok = check_tag(ref.tag); !ok) {
        return std::unexpected(ok.error());
      }
    }
  }
  std::string_view remainder = rest;
  const auto slash = rest.find('/');
  if (slash != std::string_view::npos) {
    const auto first = rest.substr(0, slash);
    const bool is_domain = first.find_first_of(".:") != std::string_view::npos || first == "localhost" ||
                           std::any_of(first.begin(), first.end(), [](char c) { return std::isupper(c); }) ||
                           first.starts_with('[');
    if (is_domain) {
      ref.domain = std::string(first);
      remainder = rest.substr(slash + 1);
    }
  }
  if (ref.domain.empty() || ref.domain == legacy_default_domain()) {
    ref.domain = std::string(k_default_domain);
  }
  if (auto ok = check_domain(ref.domain); !ok) {
    return std::unexpected(ok.error());
  }
  if (remainder.empty()) {
    return fail("the repository name is empty");
  }
  if (std::any_of(remainder.begin(), remainder.end(), [](char c) { return std::isupper(c); })) {
    std::string lower(remainder);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return std::tolower(c); });
    return fail("the repository name \"{}\" must be lower case (\"{}\")", remainder, lower);
  }
  ref.path = std::string(remainder);
  if (ref.domain == k_default_domain && ref.path.find('/') == std::string::npos) {
    ref.path = "library/" + ref.path;
  }
  std::size_t start = 0;
  while (true) {
    const auto end = ref.path.find('/', start);
    const auto part = std::string_view(ref.path).substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!valid_path_component(part)) {
      return fail("\"{}\" is not a valid repository path component (lower-case letters and digits, "
                  "separated by '.', '_', '__' or dashes)",
                  part);
    }
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  if (ref.domain.size() + 1 + ref.path.size() > 255) {
    return fail("the repository name is longer than 255 characters");
  }
  if (ref.tag.empty() && ref.digest.empty()) {
    ref.tag = "latest";
  }
  return ref;
}

} // namespace

Result<Reference> parse_reference(std::string_view text) {
  auto parsed = parse(text);
  if (!parsed) {
    return std::unexpected(parsed.error().context(fmt::format("invalid image reference \"{}\"", text)));
  }
  return parsed;
}

std::string name_of(const Reference& ref) { return ref.domain + "/" + ref.path; }

std::string to_string(const Reference& ref) {
  std::string out = name_of(ref);
  if (!ref.tag.empty()) {
    out += ":" + ref.tag;
  }
  if (!ref.digest.empty()) {
    out += "@" + ref.digest;
  }
  return out;
}

std::string manifest_ref(const Reference& ref) { return ref.digest.empty() ? ref.tag : ref.digest; }

std::string api_host(std::string_view domain) {
  if (domain == k_default_domain) {
    return "registry-1." + std::string(k_default_domain);
  }
  return std::string(domain);
}

bool is_loopback(std::string_view domain) {
  std::string_view host = domain;
  if (host.starts_with('[')) {
    host = host.substr(0, host.find(']') + 1);
    return host == "[::1]";
  }
  host = host.substr(0, host.find(':'));
  return host == "localhost" || host.starts_with("127.");
}

} // namespace distill::backend::registry
