#pragma once

// Finding the heredoc markers of a RUN/COPY/ADD line (BuildKit's
// heredocsFromLine and heredocFromMatch): the line is split into shell words
// with quotes, escapes and unset variables kept, every word of the form
// `[fd]<<[-][ ]name` is a marker, and the name is lexed again to find out
// whether any part of it was quoted (which turns expansion off).

#include "frontend/antlr_adapter.hpp"
#include "support/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace distill::frontend {

struct HeredocMarker {
  std::string name; // the delimiter, quotes removed
  bool expand = true;
  bool chomp = false;
  int fd = -1; // -1 without a digit prefix
  Span where;  // the marker word in the line (the whole line if it cannot be located)
};

// The markers of `line` in order of appearance. Fails with BuildKit's message
// when a marker's name cannot be lexed (`failed to process ...`).
support::Result<std::vector<HeredocMarker>> find_heredoc_markers(std::string_view line, GrammarSession& grammar);

} // namespace distill::frontend
