#pragma once

// Base64 for HTTP Basic auth and Docker's config.json "auth" fields.

#include "support/error.hpp"

#include <string>
#include <string_view>

namespace distill::backend::registry {

// Standard base64 with padding.
std::string base64_encode(std::string_view data);
// Decodes standard base64; fails on characters outside the alphabet.
support::Result<std::string> base64_decode(std::string_view text);

} // namespace distill::backend::registry
