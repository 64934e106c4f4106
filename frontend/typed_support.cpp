#include "frontend/typed_support.hpp"

namespace distill::frontend {

Word make_word(const Argument& argument) { return Word{argument.value, argument.value, argument.where}; }

Word make_word(std::string text, const SourceRange& where) {
  Word word{text, std::move(text), where};
  return word;
}

SourceRange sub_range(const SourceRange& where, std::size_t text_size, std::size_t begin, std::size_t end) {
  if (!where.known() || where.begin.line != where.end.line || where.end.offset - where.begin.offset != text_size ||
      begin > end || end > text_size) {
    return where;
  }
  SourceRange out = where;
  out.begin.offset += begin;
  out.begin.column += static_cast<int>(begin);
  out.end.offset = where.begin.offset + end;
  out.end.column = where.begin.column + static_cast<int>(end);
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string doc_comment(const std::vector<std::string>& comments, std::string_view name) {
  if (name.empty()) return {};
  const std::string prefix = std::string(name) + " ";
  for (const auto& line : comments) {
    if (line.starts_with(prefix)) return line.substr(prefix.size());
  }
  return {};
}

void report_error(support::DiagnosticSink& sink, std::string kind, const SourceRange& where, std::string message,
                  std::string hint) {
  sink.report(support::Diagnostic{support::Severity::error, std::move(kind), where, std::move(message),
                                  std::move(hint)});
}

void report_warning(support::DiagnosticSink& sink, std::string kind, const SourceRange& where, std::string message,
                    std::string hint) {
  sink.report(support::Diagnostic{support::Severity::warning, std::move(kind), where, std::move(message),
                                  std::move(hint)});
}

} // namespace distill::frontend
