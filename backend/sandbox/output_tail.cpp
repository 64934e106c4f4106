#include "backend/sandbox/output_tail.hpp"

namespace distill::backend::sandbox {

void OutputTail::add(std::string_view chunk) {
  for (const char c : chunk) {
    if (c != '\n') {
      if (m_partial.size() < 4096) { // a runaway line is cut, not kept whole
        m_partial += c;
      }
      continue;
    }
    m_lines.push_back(std::move(m_partial));
    m_partial.clear();
    if (m_lines.size() > m_max) {
      m_lines.pop_front();
    }
  }
}

std::string OutputTail::text() const {
  std::string out;
  const std::size_t skip = !m_partial.empty() && m_lines.size() == m_max ? 1 : 0;
  for (std::size_t i = skip; i < m_lines.size(); ++i) {
    out += m_lines[i] + "\n";
  }
  if (!m_partial.empty()) {
    out += m_partial + "\n";
  }
  return out;
}

} // namespace distill::backend::sandbox
