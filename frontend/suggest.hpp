#pragma once

// BuildKit's "did you mean" suggestions (util/suggest): the closest option by
// Levenshtein distance, if it is 2 or less.

#include <span>
#include <string>
#include <string_view>

namespace distill::frontend {

// Levenshtein distance over runes (insert, delete and substitute cost 1).
int levenshtein(std::string_view a, std::string_view b);

// The option to suggest for `value`, or "" when none is close enough or one
// matches exactly. Case-insensitive matching returns the option in the case
// of `value` (all lower, all upper, or the option lower-cased).
std::string suggest(std::string_view value, std::span<const std::string_view> options, bool case_sensitive);

// `message` with " (did you mean X?)" appended when there is a suggestion.
std::string with_suggestion(std::string message, std::string_view value,
                            std::span<const std::string_view> options, bool case_sensitive);

} // namespace distill::frontend
