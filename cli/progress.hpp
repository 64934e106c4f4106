#pragma once

// Build progress for humans and logs: a tty view with a download bar, plain
// lines, or JSON lines (one object per event) for CI.

#include "backend/build/build_options.hpp"
#include "backend/fetch/fetcher.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string_view>

namespace distill::cli {

class Progress {
public:
  explicit Progress(backend::build::ProgressMode mode);

  // A step or status line.
  void line(std::string_view text);
  // Output of a RUN step, as it comes.
  void output(std::string_view text);
  // A callback for the fetcher that draws the download progress.
  backend::fetch::ProgressCallback fetch_callback();
  // Ends the download bar.
  void end_fetch();

private:
  void draw_bar();

  backend::build::ProgressMode m_mode;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last_draw;
  std::map<std::size_t, std::pair<std::uint64_t, std::uint64_t>> m_items; // done, total
  bool m_bar_shown = false;
};

} // namespace distill::cli
