#pragma once

// A logical line is made of pieces of physical lines (continuations joined,
// the escape character and newlines dropped). LineMap remembers where each
// piece came from, so any byte of the logical line maps back to its line,
// column and offset in the file.

#include "support/source.hpp"

#include <cstddef>
#include <vector>

namespace distill::frontend {

class LineMap {
public:
  // `fallback` is where an empty logical line is said to be.
  explicit LineMap(support::SourcePos fallback = {}) : m_fallback(fallback) {}

  // Empties the map for the next line (keeping its storage).
  void reset(support::SourcePos fallback) {
    m_pieces.clear();
    m_size = 0;
    m_fallback = fallback;
  }

  // Appends `length` bytes that start at `where` in the file.
  void append(support::SourcePos where, std::size_t length);

  std::size_t size() const { return m_size; }

  // The position of logical byte `offset` (just past the last byte when
  // offset == size()).
  support::SourcePos at(std::size_t offset) const;

  // The source range of logical bytes [begin, end); its end is just past the
  // last byte, on that byte's line.
  support::SourceRange range(std::size_t begin, std::size_t end) const;

private:
  struct Piece {
    std::size_t logical = 0; // offset in the logical line
    std::size_t length = 0;
    support::SourcePos where;
  };
  std::vector<Piece> m_pieces;
  std::size_t m_size = 0;
  support::SourcePos m_fallback;
};

} // namespace distill::frontend
