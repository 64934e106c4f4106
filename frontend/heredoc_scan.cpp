#include "frontend/heredoc_scan.hpp"

#include "frontend/shell_lexer.hpp"

#include <algorithm>
#include <climits>

namespace distill::frontend {
namespace {

struct LocatedWord {
  std::string text;
  Span where;
  bool located = false;
};

// `\d*<<` and nothing else.
bool is_bare_heredoc_operator(std::string_view word) {
  if (word.size() < 2 || word.substr(word.size() - 2) != "<<") {
    return false;
  }
  return std::all_of(word.begin(), word.end() - 2, [](char c) { return c >= '0' && c <= '9'; });
}

// Finds each word in the line (the words keep quotes and escapes, so they are
// the text as written, apart from rare `${...}` rewrites that stay unlocated).
std::vector<LocatedWord> locate(std::string_view line, std::vector<std::string> words) {
  std::vector<LocatedWord> located;
  located.reserve(words.size());
  std::size_t cursor = 0;
  for (std::string& word : words) {
    LocatedWord entry{std::move(word), {0, line.size()}, false};
    const std::size_t at = line.find(entry.text, cursor);
    if (at != std::string_view::npos) {
      entry.where = {at, at + entry.text.size()};
      entry.located = true;
      cursor = entry.where.end;
    }
    located.push_back(std::move(entry));
  }
  return located;
}

// BuildKit's lexer keeps the blanks after a `<<` in the same word, so that
// `<< EOF` is one word; the shared shell lexer splits there, so the two words
// are joined back when only spaces or tabs separate them.
std::vector<LocatedWord> join_spaced_operators(std::string_view line, std::vector<LocatedWord> words) {
  std::vector<LocatedWord> joined;
  joined.reserve(words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    LocatedWord word = std::move(words[i]);
    if (i + 1 < words.size() && word.located && words[i + 1].located && is_bare_heredoc_operator(word.text)) {
      const std::size_t gap_begin = word.where.end;
      const std::size_t gap_end = words[i + 1].where.begin;
      const std::string_view gap = line.substr(gap_begin, gap_end - gap_begin);
      if (gap.find_first_not_of(" \t") == std::string_view::npos) {
        word.text += gap;
        word.text += words[i + 1].text;
        word.where.end = words[i + 1].where.end;
        ++i;
      }
    }
    joined.push_back(std::move(word));
  }
  return joined;
}

std::size_t count_quotes(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return c == '\'' || c == '"'; }));
}

int parse_fd(std::string_view digits) {
  if (digits.empty()) {
    return -1;
  }
  long long value = 0;
  for (char c : digits) {
    value = std::min<long long>(value * 10 + (c - '0'), INT_MAX);
  }
  return static_cast<int>(value);
}

} // namespace

support::Result<std::vector<HeredocMarker>> find_heredoc_markers(std::string_view line, GrammarSession& grammar) {
  std::vector<HeredocMarker> markers;
  LexerOptions split;
  split.raw_quotes = true;
  split.raw_escapes = true;
  split.skip_unset_env = true;
  auto lexed = process_word(line, {}, split);
  if (!lexed) {
    // BuildKit ignores a line it cannot split (`RUN <<'EOF` is no heredoc).
    return markers;
  }
  for (LocatedWord& word : join_spaced_operators(line, locate(line, std::move(lexed->words)))) {
    if (word.text.find("<<") == std::string::npos) {
      continue;
    }
    const auto marker = grammar.heredoc_marker(word.text);
    if (!marker || marker->name.size() == 0) {
      continue;
    }
    const std::string rest = word.text.substr(marker->name.begin, marker->name.size());
    // Lexed once with quotes removed and once with them kept: a difference in
    // the number of quote characters means part of the name was quoted.
    LexerOptions unquoted;
    unquoted.skip_unset_env = true;
    auto plain = process_word(rest, {}, unquoted);
    if (!plain) {
      return std::unexpected(plain.error());
    }
    if (plain->words.size() != 1) {
      continue;
    }
    LexerOptions quoted = unquoted;
    quoted.raw_quotes = true;
    auto raw = process_word(rest, {}, quoted);
    if (!raw) {
      return std::unexpected(raw.error());
    }
    if (raw->words.size() != plain->words.size()) {
      return support::fail("internal lexing of heredoc produced inconsistent results: {}", rest);
    }
    HeredocMarker found;
    found.name = plain->words.front();
    found.expand = count_quotes(found.name) == count_quotes(raw->words.front());
    found.chomp = marker->chomp;
    found.fd = parse_fd(std::string_view(word.text).substr(marker->fd.begin, marker->fd.size()));
    found.where = word.where;
    markers.push_back(std::move(found));
  }
  return markers;
}

} // namespace distill::frontend
