#pragma once

// Go's time.ParseDuration and strconv.ParseInt, for HEALTHCHECK options,
// with Go's error messages.

#include "support/error.hpp"

#include <string_view>

namespace distill::frontend {

// Nanoseconds of a Go duration ("1m30s", "1.5h", "0"). Fails with e.g.
// `time: missing unit in duration "1"`.
support::Result<long long> parse_go_duration(std::string_view text);

// strconv.ParseInt(text, 10, 32). Fails with e.g.
// `strconv.ParseInt: parsing "x": invalid syntax`.
support::Result<int> parse_go_int32(std::string_view text);

} // namespace distill::frontend
