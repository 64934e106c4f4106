#pragma once

// The WWW-Authenticate challenge of a registry's 401 reply (RFC 7235):
// `Bearer realm="...",service="...",scope="..."` or `Basic realm="..."`.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace distill::backend::registry {

struct Challenge {
  std::string scheme;                       // lower case: "bearer", "basic"
  std::map<std::string, std::string> params; // names lower case
  std::string param(const std::string& name) const;
};

// Parses one challenge; nullopt when the header is empty or has no scheme.
std::optional<Challenge> parse_challenge(std::string_view header);

} // namespace distill::backend::registry
