#pragma once

// The build context as COPY/ADD see it: a directory, minus what .dockerignore
// excludes. The ignore rules are the frontend's; the cli hands them in as a
// predicate so the backend does not depend on the frontend.

#include "support/error.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace distill::backend::build {

// True when a context-relative path ("src/main.c", no leading "/") is ignored.
using IgnorePredicate = std::function<bool(const std::string& relative_path)>;

struct BuildContext {
  std::filesystem::path root;
  IgnorePredicate ignored; // may be empty: nothing ignored
};

// The context-relative paths (sorted, "/"-separated, no leading "./") of
// everything in the context that is not ignored, directories included.
// Symlinks are listed, never followed.
support::Result<std::vector<std::string>> list_context(const BuildContext& context);

// The paths of `all` (from list_context) that a COPY source pattern names:
// the exact path, or a shell-style wildcard match ('*', '?', '[...]') per
// component, as BuildKit's filepath.Match does. "." names the whole context.
std::vector<std::string> match_sources(const std::vector<std::string>& all, const std::string& pattern);

} // namespace distill::backend::build
