#include "planner/shell/syntax.hpp"

#include <algorithm>

namespace distill::planner::shell {

bool Word::literal() const {
  return std::ranges::all_of(parts, [](const WordPart& part) { return part.kind == WordPart::Kind::literal; });
}

bool Word::has_substitution() const {
  return std::ranges::any_of(parts, [](const WordPart& part) {
    return part.kind == WordPart::Kind::command_substitution || part.kind == WordPart::Kind::backtick ||
           part.kind == WordPart::Kind::process_substitution;
  });
}

bool Word::has_parameter() const {
  return std::ranges::any_of(parts, [](const WordPart& part) {
    return part.kind == WordPart::Kind::parameter || part.kind == WordPart::Kind::arithmetic;
  });
}

bool Word::has_glob() const {
  return std::ranges::any_of(parts, [](const WordPart& part) {
    return part.kind == WordPart::Kind::literal && !part.quoted &&
           part.text.find_first_of("*?[") != std::string::npos;
  });
}

bool Word::has_tilde() const {
  return !parts.empty() && parts.front().kind == WordPart::Kind::literal && !parts.front().quoted &&
         !parts.front().text.empty() && parts.front().text.front() == '~';
}

std::string Word::value() const {
  std::string result;
  for (const WordPart& part : parts) {
    if (part.kind == WordPart::Kind::literal) {
      result += part.text;
    }
  }
  return result;
}

int Redirect::target_fd() const {
  if (fd >= 0) {
    return fd;
  }
  return op.front() == '<' ? 0 : 1;
}

bool Redirect::writes_file() const {
  return op == ">" || op == ">>" || op == ">|" || op == "&>" || op == "&>>" || op == "<>";
}

} // namespace distill::planner::shell
