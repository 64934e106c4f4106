#include "cli/progress.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace distill::cli {

using backend::build::ProgressMode;

Progress::Progress(ProgressMode mode) : m_mode(mode), m_start(std::chrono::steady_clock::now()) {
  if (m_mode == ProgressMode::auto_) {
    m_mode = ::isatty(STDERR_FILENO) != 0 ? ProgressMode::tty : ProgressMode::plain;
  }
}

void Progress::line(std::string_view text) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
  switch (m_mode) {
  case ProgressMode::quiet:
    return;
  case ProgressMode::json:
    fmt::print(stderr, "{}\n", nlohmann::json{{"time", seconds}, {"message", text}}.dump());
    return;
  case ProgressMode::tty:
    if (m_bar_shown) {
      fmt::print(stderr, "\r\033[K");
      m_bar_shown = false;
    }
    fmt::print(stderr, "\033[1m=>\033[0m {} \033[2m{:.1f}s\033[0m\n", text, seconds);
    return;
  default:
    fmt::print(stderr, "#{:.1f} {}\n", seconds, text);
    return;
  }
}

void Progress::output(std::string_view text) {
  if (m_mode == ProgressMode::quiet) {
    return;
  }
  if (m_mode == ProgressMode::json) {
    fmt::print(stderr, "{}\n", nlohmann::json{{"output", text}}.dump());
    return;
  }
  if (m_bar_shown) {
    fmt::print(stderr, "\r\033[K");
    m_bar_shown = false;
  }
  fmt::print(stderr, "{}", text);
}

backend::fetch::ProgressCallback Progress::fetch_callback() {
  return [this](const backend::fetch::FetchProgress& item) {
    m_items[item.index] = {item.done, item.total};
    if (m_mode == ProgressMode::tty) {
      const auto now = std::chrono::steady_clock::now();
      if (item.finished || now - m_last_draw > std::chrono::milliseconds(100)) {
        m_last_draw = now;
        draw_bar();
      }
    } else if (m_mode == ProgressMode::json && item.finished && item.url != nullptr) {
      fmt::print(stderr, "{}\n", nlohmann::json{{"downloaded", *item.url}, {"bytes", item.done}}.dump());
    }
  };
}

void Progress::draw_bar() {
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  for (const auto& [index, item] : m_items) {
    (void)index;
    done += item.first;
    total += item.second;
  }
  constexpr int width = 30;
  const int filled = total == 0 ? 0 : static_cast<int>(static_cast<double>(done) / static_cast<double>(total) * width);
  fmt::print(stderr, "\r\033[K   downloading [{}{}] {:.1f}/{:.1f} MB ({} files)", std::string(filled, '#'),
             std::string(width - std::min(filled, width), ' '), static_cast<double>(done) / 1e6,
             static_cast<double>(total) / 1e6, m_items.size());
  m_bar_shown = true;
}

void Progress::end_fetch() {
  if (m_items.empty()) {
    return;
  }
  std::uint64_t done = 0;
  for (const auto& [index, item] : m_items) {
    (void)index;
    done += item.first;
  }
  const auto count = m_items.size();
  m_items.clear();
  line(fmt::format("fetched {} packages ({:.1f} MB)", count, static_cast<double>(done) / 1e6));
}

} // namespace distill::cli
