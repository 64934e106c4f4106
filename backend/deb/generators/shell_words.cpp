#include "backend/deb/generators/shell_words.hpp"

namespace distill::backend::deb::generators {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

} // namespace

bool has_expansion(std::string_view word) {
  return word.find('$') != std::string_view::npos || word.find('`') != std::string_view::npos;
}

std::vector<ShellLine> shell_lines(std::string_view script) {
  std::vector<ShellLine> lines;
  ShellLine current;
  std::string word;
  bool in_word = false;
  std::size_t line_no = 1;
  auto end_word = [&] {
    if (in_word) {
      current.words.push_back(word);
      word.clear();
      in_word = false;
    }
  };
  auto end_command = [&] {
    end_word();
    if (!current.words.empty()) {
      std::size_t a = 0;
      while (a < current.text.size() && is_space(current.text[a])) {
        ++a;
      }
      current.text = current.text.substr(a);
      lines.push_back(std::move(current));
    }
    current = ShellLine{};
    current.line = line_no;
  };
  current.line = 1;
  for (std::size_t i = 0; i < script.size(); ++i) {
    const char c = script[i];
    if (c == '\\' && i + 1 < script.size() && script[i + 1] == '\n') {
      ++i;
      ++line_no;
      current.text += ' ';
      continue;
    }
    if (c == '\n') {
      ++line_no;
      end_command();
      continue;
    }
    if (c == '#' && !in_word) {
      while (i + 1 < script.size() && script[i + 1] != '\n') {
        ++i;
      }
      continue;
    }
    current.text += c;
    if (c == '\'' || c == '"') {
      const char quote = c;
      in_word = true;
      for (++i; i < script.size() && script[i] != quote; ++i) {
        if (quote == '"' && script[i] == '\\' && i + 1 < script.size()) {
          current.text += script[i];
          ++i;
        }
        if (script[i] == '\n') {
          ++line_no;
        }
        word += script[i];
        current.text += script[i];
      }
      if (i < script.size()) {
        current.text += script[i];
      }
      continue;
    }
    if (c == '\\' && i + 1 < script.size()) {
      word += script[++i];
      current.text += script[i];
      in_word = true;
      continue;
    }
    if (is_space(c)) {
      end_word();
      continue;
    }
    if (c == ';' || c == '&' || c == '|') {
      current.text.pop_back();
      while (i + 1 < script.size() && (script[i + 1] == c)) {
        ++i;
      }
      end_command();
      continue;
    }
    word += c;
    in_word = true;
  }
  end_command();
  return lines;
}

} // namespace distill::backend::deb::generators
