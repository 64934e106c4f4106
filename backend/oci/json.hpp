#pragma once

// The one way JSON blobs are serialised, so digests are stable: compact, keys
// sorted bytewise (nlohmann::json objects are std::map), UTF-8 kept as is
// (invalid bytes replaced), no trailing newline.

#include "support/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace distill::backend::oci {

// The canonical bytes of `value`.
std::string canonical_json(const nlohmann::json& value);

// Parses JSON text; fails with the parser's message prefixed by `what`.
support::Result<nlohmann::json> parse_json(std::string_view text, std::string_view what);

// "2024-12-02T00:00:00Z" for a Unix time (RFC 3339, UTC, whole seconds, as Go writes it).
std::string rfc3339(std::int64_t unix_seconds);

// The Unix time of an RFC 3339 timestamp (fractions dropped, offsets applied);
// fails on other text.
support::Result<std::int64_t> parse_rfc3339(std::string_view text);

} // namespace distill::backend::oci
