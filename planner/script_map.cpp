#include "planner/script_map.hpp"

#include <algorithm>

namespace distill::planner {
namespace {

constexpr std::size_t k_unknown = static_cast<std::size_t>(-1);

// After a continuation: BuildKit drops empty and comment lines.
std::size_t skip_dropped_lines(std::string_view text, std::size_t at) {
  while (at < text.size()) {
    std::size_t i = at;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i < text.size() && text[i] == '#') {
      const auto eol = text.find('\n', i);
      if (eol == std::string_view::npos) return text.size();
      at = eol + 1;
      continue;
    }
    if (i < text.size() && (text[i] == '\n' || (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n'))) {
      at = i + (text[i] == '\r' ? 2 : 1);
      continue;
    }
    return at;
  }
  return at;
}

} // namespace

ScriptMap::ScriptMap(const support::SourceFile& file, std::size_t start, std::string_view script, char escape,
                     support::SourceRange fallback, bool strip_tabs)
    : m_offsets(script.size(), k_unknown), m_fallback(fallback) {
  const std::string_view text = file.text;
  m_line_starts.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') m_line_starts.push_back(i + 1);
  }
  std::size_t j = start;
  bool line_start = true;
  for (std::size_t i = 0; i < script.size() && j < text.size();) {
    if (strip_tabs && line_start && text[j] == '\t') {
      ++j;
      continue;
    }
    if (script[i] == text[j]) {
      line_start = text[j] == '\n';
      m_offsets[i++] = j++;
      continue;
    }
    if (text[j] == escape) {
      std::size_t k = j + 1;
      while (k < text.size() && (text[k] == ' ' || text[k] == '\t')) ++k; // BuildKit allows blanks after the escape
      if (k < text.size() && text[k] == '\r') ++k;
      if (k < text.size() && text[k] == '\n') {
        j = skip_dropped_lines(text, k + 1);
        continue;
      }
    }
    if (text[j] == '\r') {
      ++j;
      continue;
    }
    break; // the texts differ: the rest stays unknown
  }
}

std::size_t ScriptMap::file_offset(std::size_t at) const { return at < m_offsets.size() ? m_offsets[at] : k_unknown; }

support::SourcePos ScriptMap::position(std::size_t offset) const {
  const auto next = std::ranges::upper_bound(m_line_starts, offset);
  const std::size_t line = static_cast<std::size_t>(next - m_line_starts.begin());
  return {static_cast<int>(line), static_cast<int>(offset - m_line_starts[line - 1] + 1), offset};
}

support::SourceRange ScriptMap::range(std::size_t begin, std::size_t end) const {
  if (begin >= end || end > m_offsets.size() || m_offsets[begin] == k_unknown || m_offsets[end - 1] == k_unknown) {
    return m_fallback;
  }
  return {position(m_offsets[begin]), position(m_offsets[end - 1] + 1)};
}

} // namespace distill::planner
