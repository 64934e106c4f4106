#pragma once

// Internal to planner/shell: the recursive-descent reader behind
// read_script(). reader.cpp holds the grammar (lists, pipelines, compound
// commands), words.cpp the words and their expansions.

#include "planner/shell/syntax.hpp"

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

namespace distill::planner::shell::detail {

class Scanner {
public:
  explicit Scanner(const std::string& text) : m_text(text) {}

  // The whole script; fills heredoc bodies and reports trailing junk.
  List read_all();
  const std::optional<SyntaxError>& error() const { return m_error; }

  // ---- grammar (reader.cpp)
  List read_list(std::initializer_list<std::string_view> stop_words);
  AndOr read_and_or();
  Pipeline read_pipeline();
  Command read_command();
  Command read_simple();
  Command read_compound(std::string_view keyword);
  void read_trailing_redirects(Command& command);
  bool read_redirect(std::vector<Redirect>& into);

  // ---- words (words.cpp)
  Word read_word();
  void read_double_quoted(Word& word);
  void read_dollar(Word& word, bool quoted);
  void read_backtick(Word& word, bool quoted);
  void read_process_substitution(Word& word);
  std::string read_balanced(char open, char close);

  // ---- characters
  bool at_end() const { return m_pos >= m_text.size() || m_error.has_value(); }
  char peek(std::size_t ahead = 0) const {
    return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\0';
  }
  bool looking_at(std::string_view what) const { return m_text.compare(m_pos, what.size(), what) == 0; }
  void skip_blanks();
  void skip_comment();
  void skip_linebreaks();
  void newline();
  void fail(std::string message);
  // The reserved word at the cursor, if the next word is one (command position).
  std::string_view peek_reserved() const;
  bool at_stop(std::initializer_list<std::string_view> stop_words) const;
  bool expect_reserved(std::string_view word);

  static bool is_meta(char c);
  static bool is_name_start(char c);
  static bool is_name_char(char c);

private:
  struct PendingHeredoc {
    std::size_t redirect_begin;
    std::string delimiter;
    bool strip_tabs;
  };
  void read_heredoc_bodies();
  void fill_heredocs(List& list);
  void fill_heredocs(Command& command);
  void fill_heredocs(std::vector<Redirect>& redirects);

  const std::string& m_text;
  std::size_t m_pos = 0;
  std::optional<SyntaxError> m_error;
  std::vector<PendingHeredoc> m_pending;
  struct Body {
    std::string text;
    std::size_t begin = 0; // offset of its first line
  };
  std::map<std::size_t, Body> m_bodies; // by the offset of the `<<` redirection
  int m_depth = 0;
};

} // namespace distill::planner::shell::detail
