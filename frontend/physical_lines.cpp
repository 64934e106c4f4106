#include "frontend/physical_lines.hpp"

#include "frontend/go_strings.hpp"

#include <cstring>

namespace distill::frontend {

std::optional<PhysicalLine> PhysicalLines::next() {
  if (m_pos >= m_text.size() || m_too_long) {
    return std::nullopt;
  }
  PhysicalLine line;
  line.number = m_number + 1;
  const std::size_t start = m_pos;
  const void* newline = std::memchr(m_text.data() + start, '\n', m_text.size() - start);
  line.end = newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - m_text.data()) : m_text.size();
  line.next = newline ? line.end + 1 : m_text.size();
  line.begin = start;
  if (line.number == 1 && m_text.substr(0, 3) == "\xEF\xBB\xBF") {
    line.begin = 3;
  }
  // The limit counts every byte before the newline, a BOM and '\r' included.
  if (line.end - start > k_max_line_bytes) {
    m_too_long = line;
    return std::nullopt;
  }
  m_number = line.number;
  m_pos = line.next;
  return line;
}

std::string_view trim_newline(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  return line;
}

bool is_comment(std::string_view line) {
  const std::size_t first = go_trim_left_space(line);
  return first < line.size() && line[first] == '#';
}

} // namespace distill::frontend
