#pragma once

// The Go regular expressions moby/patternmatcher builds from .dockerignore
// patterns, run with std::wregex. Go's syntax is translated to ECMAScript for
// the subset such patterns can contain: literals, `\` escapes, `.`, classes
// (ranges, negation, POSIX names, \d \s \w), `*`, `?`, groups, `|`, `^`, `$`
// and `{n,m}`. Go semantics kept: `.` does not match a newline; \d, \s, \w and
// POSIX classes are ASCII; a `{` that is not a repetition is a literal.

#include <optional>
#include <regex>
#include <string>
#include <string_view>

namespace distill::frontend {

struct GoRegexp {
  std::wregex regex;
};

// Compiles a Go regular expression; nullopt when Go would reject it, when it
// uses a construct outside the subset above (\p{..}, \Q..\E), or when it is
// longer than 4096 bytes (std::regex recursion would overflow the stack).
std::optional<GoRegexp> compile_go_regexp(std::string_view go_syntax);

// regexp.MatchString: whether the expression matches anywhere in `text`
// (false for a text over 8192 bytes, longer than any path).
bool go_regexp_search(const GoRegexp& regexp, std::string_view text);

} // namespace distill::frontend
