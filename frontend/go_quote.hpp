#pragma once

// Go's strconv.Quote (the `%q` verb), which BuildKit uses in its messages
// (`failed to process "<word>"`) and in its AST dump.

#include <string>
#include <string_view>

namespace distill::frontend {

// Returns `text` as a Go double-quoted string literal.
std::string go_quote(std::string_view text);

} // namespace distill::frontend
