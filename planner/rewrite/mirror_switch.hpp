#pragma once

// `sed -i 's|http://old.example/debian|http://new.example/debian|g'
// /etc/apt/sources.list`: an edit of apt's sources that only swaps one
// archive location for another. It does not change which suites and
// components packages come from, and distill takes the mirror from its own
// configuration, so installs after it can still be lifted (the sed itself
// stays shell: the image keeps the edited file).

#include "planner/shell/expand.hpp"
#include "planner/shell/syntax.hpp"

#include <string_view>

namespace distill::planner::rewrite {

// True when `command` is `sed -i` (with -e/-E/-r/--expression) whose every
// expression is `s<d>OLD<d>NEW<d>[g]`, OLD and NEW both archive locations
// (scheme://host[/path], host.name[/path], or a bare `http:`/`https://`),
// and whose every file is /etc/apt/sources.list or a *.list / *.sources file
// in /etc/apt/sources.list.d. Words must expand with `environment`.
bool is_mirror_switch(const shell::SimpleCommand& command, const shell::Environment& environment);

// True when `text` is an archive location as above (no regex operators other
// than `.`, no whitespace, no back-references).
bool is_archive_location(std::string_view text);

} // namespace distill::planner::rewrite
