// Words: quoting, escapes and the expansions inside them.

#include "planner/shell/reader.hpp"
#include "planner/shell/scanner.hpp"

#include <cctype>

namespace distill::planner::shell::detail {
namespace {

// Appends one character to the word's last literal part, or starts a new one.
void add_char(Word& word, char c, bool quoted, std::size_t at) {
  if (!word.parts.empty()) {
    WordPart& last = word.parts.back();
    if (last.kind == WordPart::Kind::literal && last.quoted == quoted && last.end == at) {
      last.text.push_back(c);
      last.end = at + 1;
      return;
    }
  }
  WordPart part;
  part.kind = WordPart::Kind::literal;
  part.text = std::string(1, c);
  part.quoted = quoted;
  part.begin = at;
  part.end = at + 1;
  word.parts.push_back(std::move(part));
}

bool is_special_parameter(char c) {
  return c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' || c == '!' ||
         std::isdigit(static_cast<unsigned char>(c));
}

char ansi_escape(char c) {
  switch (c) {
  case 'n': return '\n';
  case 't': return '\t';
  case 'r': return '\r';
  case 'a': return '\a';
  case 'b': return '\b';
  case 'f': return '\f';
  case 'v': return '\v';
  case 'e': return '\x1b';
  default: return c;
  }
}

} // namespace

Word Scanner::read_word() {
  Word word;
  word.begin = m_pos;
  while (m_pos < m_text.size() && !m_error) {
    const char c = m_text[m_pos];
    if ((c == '<' || c == '>') && peek(1) == '(') {
      read_process_substitution(word);
      continue;
    }
    if (is_meta(c)) {
      break;
    }
    if (c == '\\') {
      if (peek(1) == '\n') {
        m_pos += 2; // line continuation
      } else if (m_pos + 1 < m_text.size()) {
        add_char(word, m_text[m_pos + 1], true, m_pos + 1);
        m_pos += 2;
      } else {
        add_char(word, c, false, m_pos);
        ++m_pos;
      }
    } else if (c == '\'') {
      const std::size_t close = m_text.find('\'', m_pos + 1);
      if (close == std::string::npos) {
        fail("unterminated single quote");
        break;
      }
      WordPart part;
      part.kind = WordPart::Kind::literal;
      part.text = m_text.substr(m_pos + 1, close - m_pos - 1);
      part.quoted = true;
      part.begin = m_pos;
      part.end = close + 1;
      word.parts.push_back(std::move(part));
      m_pos = close + 1;
    } else if (c == '"') {
      read_double_quoted(word);
    } else if (c == '$') {
      read_dollar(word, false);
    } else if (c == '`') {
      read_backtick(word, false);
    } else {
      add_char(word, c, false, m_pos);
      ++m_pos;
    }
  }
  word.end = m_pos;
  word.text = m_text.substr(word.begin, word.end - word.begin);
  return word;
}

void Scanner::read_double_quoted(Word& word) {
  const std::size_t open = m_pos;
  ++m_pos;
  bool any = false;
  while (!at_end()) {
    const char c = m_text[m_pos];
    if (c == '"') {
      ++m_pos;
      if (!any) { // "" still makes a (empty, quoted) word
        word.parts.push_back({WordPart::Kind::literal, "", "", true, false, nullptr, open, m_pos});
      }
      return;
    }
    any = true;
    if (c == '\\') {
      const char next = peek(1);
      if (next == '\n') {
        m_pos += 2;
      } else if (next == '$' || next == '`' || next == '"' || next == '\\') {
        add_char(word, next, true, m_pos + 1);
        m_pos += 2;
      } else {
        add_char(word, c, true, m_pos);
        ++m_pos;
      }
    } else if (c == '$') {
      read_dollar(word, true);
    } else if (c == '`') {
      read_backtick(word, true);
    } else {
      add_char(word, c, true, m_pos);
      ++m_pos;
    }
  }
  if (!m_error) {
    m_pos = open;
    fail("unterminated double quote");
  }
}

std::string Scanner::read_balanced(char open, char close) {
  // From an `open` character to its match, skipping quoted text; returns the inside.
  const std::size_t start = m_pos;
  int depth = 0;
  while (m_pos < m_text.size()) {
    const char c = m_text[m_pos];
    if (c == '\\') {
      m_pos += 2;
      continue;
    }
    if (c == '\'' && open != '{') {
      const std::size_t end = m_text.find('\'', m_pos + 1);
      m_pos = end == std::string::npos ? m_text.size() : end + 1;
      continue;
    }
    if (c == '"') {
      std::size_t at = m_pos + 1;
      while (at < m_text.size() && m_text[at] != '"') {
        at += m_text[at] == '\\' ? 2 : 1;
      }
      m_pos = std::min(at + 1, m_text.size());
      continue;
    }
    if (c == open) {
      ++depth;
    } else if (c == close) {
      --depth;
      if (depth == 0) {
        ++m_pos;
        return m_text.substr(start + 1, m_pos - start - 2);
      }
    }
    ++m_pos;
  }
  m_pos = start;
  fail(std::string("unterminated '") + open + "'");
  return {};
}

void Scanner::read_dollar(Word& word, bool quoted) {
  const std::size_t start = m_pos;
  const char next = peek(1);
  WordPart part;
  part.quoted = quoted;
  part.begin = start;
  if (next == '(' && peek(2) == '(') {
    ++m_pos;
    std::string inner = read_balanced('(', ')');
    part.kind = WordPart::Kind::arithmetic;
    part.text = inner.size() >= 2 ? inner.substr(1, inner.size() - 2) : inner;
  } else if (next == '(') {
    m_pos += 2;
    part.kind = WordPart::Kind::command_substitution;
    List inner = read_list({});
    skip_linebreaks();
    if (peek() != ')') {
      m_pos = start;
      fail("unterminated '$('");
      return;
    }
    ++m_pos;
    part.text = m_text.substr(start + 2, m_pos - start - 3);
    part.inner = std::make_shared<const List>(std::move(inner));
  } else if (next == '{') {
    ++m_pos;
    const std::string inside = read_balanced('{', '}');
    if (m_error) {
      return;
    }
    part.kind = WordPart::Kind::parameter;
    part.braced = true;
    std::size_t i = 0;
    if (inside.size() > 1 && inside[0] == '#' && inside.find_first_of(":-=+?%#/^,", 1) == std::string::npos) {
      part.modifier.assign(1, '#'); // ${#name}: the length
      i = 1;
    }
    const std::size_t name_start = i;
    if (i < inside.size() && is_name_start(inside[i])) {
      while (i < inside.size() && is_name_char(inside[i])) {
        ++i;
      }
    } else if (i < inside.size() && std::isdigit(static_cast<unsigned char>(inside[i]))) {
      while (i < inside.size() && std::isdigit(static_cast<unsigned char>(inside[i]))) {
        ++i;
      }
    } else if (i < inside.size() && is_special_parameter(inside[i])) {
      ++i;
    }
    part.text = inside.substr(name_start, i - name_start);
    if (part.modifier.empty()) {
      part.modifier = inside.substr(i);
    }
  } else if (is_name_start(next)) {
    ++m_pos;
    const std::size_t name_start = m_pos;
    while (m_pos < m_text.size() && is_name_char(m_text[m_pos])) {
      ++m_pos;
    }
    part.kind = WordPart::Kind::parameter;
    part.text = m_text.substr(name_start, m_pos - name_start);
  } else if (is_special_parameter(next)) {
    m_pos += 2;
    part.kind = WordPart::Kind::parameter;
    part.text = std::string(1, next);
  } else if (next == '\'' && !quoted) {
    // $'...': ANSI-C quoting (bash), a literal after escape processing.
    m_pos += 2;
    std::string text;
    while (m_pos < m_text.size() && m_text[m_pos] != '\'') {
      if (m_text[m_pos] == '\\' && m_pos + 1 < m_text.size()) {
        text.push_back(ansi_escape(m_text[m_pos + 1]));
        m_pos += 2;
      } else {
        text.push_back(m_text[m_pos++]);
      }
    }
    if (m_pos >= m_text.size()) {
      m_pos = start;
      fail("unterminated $'");
      return;
    }
    ++m_pos;
    part.kind = WordPart::Kind::literal;
    part.quoted = true;
    part.text = std::move(text);
  } else if (next == '"' && !quoted) {
    ++m_pos; // $"...": a locale string, read as "..."
    read_double_quoted(word);
    return;
  } else {
    add_char(word, '$', quoted, m_pos); // a lone $ is literal
    ++m_pos;
    return;
  }
  part.end = m_pos;
  word.parts.push_back(std::move(part));
}

void Scanner::read_backtick(Word& word, bool quoted) {
  const std::size_t start = m_pos;
  ++m_pos;
  std::string inner;
  while (m_pos < m_text.size() && m_text[m_pos] != '`') {
    if (m_text[m_pos] == '\\' && m_pos + 1 < m_text.size() &&
        (m_text[m_pos + 1] == '`' || m_text[m_pos + 1] == '\\' || m_text[m_pos + 1] == '$')) {
      inner.push_back(m_text[m_pos + 1]);
      m_pos += 2;
    } else {
      inner.push_back(m_text[m_pos++]);
    }
  }
  if (m_pos >= m_text.size()) {
    m_pos = start;
    fail("unterminated backquote");
    return;
  }
  ++m_pos;
  WordPart part;
  part.kind = WordPart::Kind::backtick;
  part.quoted = quoted;
  part.text = inner;
  part.begin = start;
  part.end = m_pos;
  Script nested = read_script(std::move(inner)); // offsets inside are relative to the backquoted text
  part.inner = std::make_shared<const List>(std::move(nested.list));
  word.parts.push_back(std::move(part));
}

void Scanner::read_process_substitution(Word& word) {
  const std::size_t start = m_pos;
  m_pos += 2;
  List inner = read_list({});
  skip_linebreaks();
  if (peek() != ')') {
    m_pos = start;
    fail("unterminated process substitution");
    return;
  }
  ++m_pos;
  WordPart part;
  part.kind = WordPart::Kind::process_substitution;
  part.text = m_text.substr(start + 2, m_pos - start - 3);
  part.inner = std::make_shared<const List>(std::move(inner));
  part.begin = start;
  part.end = m_pos;
  word.parts.push_back(std::move(part));
}

} // namespace distill::planner::shell::detail
