#pragma once

// Where the bytes of a RUN script are in the Dockerfile. BuildKit builds the
// script from the file by joining continuation lines (the escape character
// and the newline go, comment lines inside the instruction go); ScriptMap
// walks both texts together to undo that, so a command cut out of a script
// points at its own line.

#include "support/source.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace distill::planner {

class ScriptMap {
public:
  // Maps `script`, which starts at byte `start` of `file`. Bytes that cannot
  // be matched map to `fallback`. `strip_tabs`: leading tabs of each file
  // line are not in the script (a `<<-` here-document).
  ScriptMap(const support::SourceFile& file, std::size_t start, std::string_view script, char escape,
            support::SourceRange fallback, bool strip_tabs = false);

  // The source range of script bytes [begin, end).
  support::SourceRange range(std::size_t begin, std::size_t end) const;
  // The file offset of script byte `at`; npos when it is not known.
  std::size_t file_offset(std::size_t at) const;

private:
  support::SourcePos position(std::size_t file_offset) const;

  std::vector<std::size_t> m_offsets; // file offset of each script byte; npos when unknown
  std::vector<std::size_t> m_line_starts;
  support::SourceRange m_fallback;
};

} // namespace distill::planner
