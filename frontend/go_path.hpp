#pragma once

// Go's lexical path helpers (path/filepath on Unix), which BuildKit and
// moby/patternmatcher apply to .dockerignore patterns and to paths.

#include <string>
#include <string_view>

namespace distill::frontend {

// filepath.Clean: the shortest equivalent path ("" gives ".").
std::string go_clean_path(std::string_view path);

// filepath.Dir: everything but the last element, cleaned.
std::string go_dir(std::string_view path);

} // namespace distill::frontend
