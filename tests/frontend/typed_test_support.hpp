#pragma once

// Builds AST nodes by hand for the typed-instruction and analysis tests, so
// they do not depend on the parser.

#include "frontend/ast.hpp"

#include <initializer_list>
#include <string>
#include <vector>

namespace distill::frontend::testing_support {

// A position on line `line`, column `column`.
inline SourceRange at(int line, int column = 1, int width = 1) {
  return SourceRange{SourcePos{line, column, 0}, SourcePos{line, column + width, 0}};
}

// `keyword` with flags ("--name=value" or "--name") and argument nodes, on `line`.
inline Instruction instruction(std::string keyword, std::vector<std::string> flags, std::vector<std::string> args,
                               int line = 1, bool json = false) {
  Instruction out;
  out.keyword = keyword;
  for (char& c : keyword) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  out.command = keyword;
  int column = static_cast<int>(out.keyword.size()) + 2;
  for (auto& text : flags) {
    Flag flag;
    flag.text = text;
    const auto eq = text.find('=');
    flag.name = text.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    if (eq != std::string::npos) flag.value = text.substr(eq + 1);
    flag.where = at(line, column, static_cast<int>(text.size()));
    column += static_cast<int>(text.size()) + 1;
    out.flags.push_back(std::move(flag));
  }
  for (auto& text : args) {
    out.args.push_back(Argument{text, at(line, column, static_cast<int>(text.size()))});
    column += static_cast<int>(text.size()) + 1;
  }
  out.json_form = json;
  out.where = SourceRange{SourcePos{line, 1, 0}, SourcePos{line, column, 0}};
  out.keyword_where = at(line, 1, static_cast<int>(out.keyword.size()));
  return out;
}

// ENV/LABEL in the `k=v` form: (key, value, "=") triples.
inline Instruction key_values(std::string keyword, std::vector<std::pair<std::string, std::string>> pairs,
                              int line = 1) {
  std::vector<std::string> args;
  for (auto& [key, value] : pairs) {
    args.push_back(key);
    args.push_back(value);
    args.push_back("=");
  }
  return instruction(std::move(keyword), {}, std::move(args), line);
}

// A document of instructions, numbered by line in order.
inline Document document(std::vector<Instruction> instructions) {
  Document out;
  out.file.name = "Dockerfile";
  int line = 1;
  for (auto& node : instructions) {
    if (node.where.begin.line == 1 && line > 1) {
      // Renumber nodes built with the default line.
      node.where.begin.line = node.where.end.line = line;
      node.keyword_where.begin.line = node.keyword_where.end.line = line;
      for (auto& flag : node.flags) flag.where.begin.line = flag.where.end.line = line;
      for (auto& arg : node.args) arg.where.begin.line = arg.where.end.line = line;
    }
    ++line;
    out.instructions.push_back(std::move(node));
  }
  return out;
}

} // namespace distill::frontend::testing_support
