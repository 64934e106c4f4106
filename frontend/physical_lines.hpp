#pragma once

// Physical lines of a Dockerfile as BuildKit's scanner yields them: split on
// '\n' (kept), a UTF-8 BOM dropped from the first line, and reading stops at
// a line longer than 65535 bytes (bufio.Scanner's token limit).

#include "support/source.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace distill::frontend {

inline constexpr std::size_t k_max_line_bytes = 65535;

struct PhysicalLine {
  int number = 0;         // 1-based
  std::size_t begin = 0;  // first byte (after the BOM on line 1); column 1
  std::size_t end = 0;    // the '\n' or the end of the file
  std::size_t next = 0;   // the first byte of the following line

  // The line with its newline, as BuildKit's scanner token.
  std::string_view raw(std::string_view text) const { return text.substr(begin, next - begin); }
  // The position of byte `offset` of this line.
  support::SourcePos pos(std::size_t offset) const {
    return {number, static_cast<int>(offset - begin) + 1, offset};
  }
};

class PhysicalLines {
public:
  explicit PhysicalLines(std::string_view text) : m_text(text) {}

  // The next line; nullopt at the end of the file or at a line over the limit.
  std::optional<PhysicalLine> next();

  // The line that stopped reading for being too long.
  const std::optional<PhysicalLine>& too_long() const { return m_too_long; }

  // Where the next line would start.
  support::SourcePos position() const { return {m_number + 1, 1, m_pos}; }

private:
  std::string_view m_text;
  std::size_t m_pos = 0;
  int m_number = 0;
  std::optional<PhysicalLine> m_too_long;
};

// BuildKit's trimNewline: trailing '\r' and '\n' bytes removed.
std::string_view trim_newline(std::string_view line);

// BuildKit's isComment: the first non-blank character is '#'.
bool is_comment(std::string_view line);

} // namespace distill::frontend
