#include "frontend/directives.hpp"

#include "frontend/go_strings.hpp"

#include <fmt/format.h>

#include <optional>

namespace distill::frontend {
namespace {

// Go's regexp `\s`.
bool is_regex_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

struct Match {
  std::string_view key;
  std::string_view value;
};

// `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`, with the regex's preferences:
// the value keeps at least one character even when it is all blanks.
std::optional<Match> match_directive(std::string_view text) {
  std::size_t pos = 0;
  if (text.empty() || !is_alpha(text[0])) {
    return std::nullopt;
  }
  while (pos < text.size() && is_alnum(text[pos])) ++pos;
  const std::string_view key = text.substr(0, pos);
  while (pos < text.size() && is_regex_space(text[pos])) ++pos;
  if (pos >= text.size() || text[pos] != '=') {
    return std::nullopt;
  }
  ++pos;
  if (pos >= text.size()) {
    return std::nullopt;
  }
  while (pos + 1 < text.size() && is_regex_space(text[pos])) ++pos;
  std::size_t end = text.size();
  while (end > pos + 1 && is_regex_space(text[end - 1])) --end;
  if (text.substr(pos, end - pos).find('\n') != std::string_view::npos) {
    return std::nullopt;
  }
  return Match{key, text.substr(pos, end - pos)};
}

} // namespace

bool DirectiveWindow::consume(std::string_view line, support::SourceRange where, std::vector<Directive>& out,
                              support::DiagnosticSink& sink) {
  if (m_done) {
    return false;
  }
  if (line.empty() || line[0] != '#') {
    m_done = true;
    return false;
  }
  std::string_view body = line.substr(1);
  body.remove_prefix(go_trim_left_space(body));
  const auto match = match_directive(body);
  if (!match) {
    m_done = true;
    return false;
  }
  std::string key = go_to_lower(match->key);
  if (key != "syntax" && key != "escape" && key != "check") {
    m_done = true;
    return false;
  }
  if (m_seen.contains(key)) {
    sink.report({support::Severity::error, "directive-duplicate", where,
                 fmt::format("only one {} parser directive can be used", key), ""});
    return false;
  }
  m_seen.insert(key);
  if (key == "escape") {
    if (match->value != "`" && match->value != "\\") {
      sink.report({support::Severity::error, "invalid-escape", where,
                   fmt::format("invalid escape token '{}' does not match ` or \\", match->value),
                   "use `# escape=\\` or `# escape=``"});
      return false;
    }
    m_escape = match->value[0];
  }
  out.push_back({std::move(key), std::string(match->value), where});
  return true;
}

} // namespace distill::frontend
