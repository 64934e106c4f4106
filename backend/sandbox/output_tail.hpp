#pragma once

// The last lines of a step's output, kept for the error message of a failed
// step while the whole output streams to the progress callback.

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace distill::backend::sandbox {

class OutputTail {
public:
  explicit OutputTail(std::size_t max_lines = 20) : m_max(max_lines) {}
  // Adds a chunk of output (lines may span chunks).
  void add(std::string_view chunk);
  // The kept lines, each ending in '\n' (a final partial line included).
  std::string text() const;

private:
  std::size_t m_max;
  std::deque<std::string> m_lines;
  std::string m_partial;
};

} // namespace distill::backend::sandbox
