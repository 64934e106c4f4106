#include "frontend/line_map.hpp"

#include <algorithm>

namespace distill::frontend {

void LineMap::append(support::SourcePos where, std::size_t length) {
  if (length == 0) {
    return;
  }
  m_pieces.push_back({m_size, length, where});
  m_size += length;
}

support::SourcePos LineMap::at(std::size_t offset) const {
  if (m_pieces.empty()) {
    return m_fallback;
  }
  // The last piece that starts at or before `offset`.
  auto piece = std::upper_bound(m_pieces.begin(), m_pieces.end(), offset,
                                [](std::size_t value, const Piece& p) { return value < p.logical; });
  if (piece != m_pieces.begin()) {
    --piece;
  }
  const std::size_t delta = std::min(offset, m_size) - piece->logical;
  support::SourcePos pos = piece->where;
  pos.column += static_cast<int>(delta);
  pos.offset += delta;
  return pos;
}

support::SourceRange LineMap::range(std::size_t begin, std::size_t end) const {
  const support::SourcePos first = at(begin);
  if (end <= begin || m_pieces.empty()) {
    return {first, first};
  }
  support::SourcePos last = at(end - 1);
  last.column += 1;
  last.offset += 1;
  return {first, last};
}

} // namespace distill::frontend
