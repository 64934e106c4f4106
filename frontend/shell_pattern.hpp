#pragma once

// The glob patterns of `${v#p}`, `${v%p}` and `${v/p/r}` (BuildKit converts
// them to Go regular expressions: `*`, `?`, `\` escapes; `.` never matches a
// newline; leftmost-first matching).

#include "support/error.hpp"

#include <string>
#include <string_view>

namespace distill::frontend {

// `${value#pattern}` (greedy: `##`). Fails on a bad escape in the pattern.
support::Result<std::string> trim_prefix(std::string_view pattern, std::string_view value, bool greedy);

// `${value%pattern}` (greedy: `%%`).
support::Result<std::string> trim_suffix(std::string_view pattern, std::string_view value, bool greedy);

// `${value/pattern/replacement}` (all: `//`, with Go's `$0` template expansion).
support::Result<std::string> replace_pattern(std::string_view pattern, std::string_view value,
                                             std::string_view replacement, bool all);

} // namespace distill::frontend
