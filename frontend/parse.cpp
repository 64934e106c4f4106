#include "frontend/parse.hpp"

#include "frontend/antlr_adapter.hpp"
#include "frontend/directives.hpp"
#include "frontend/go_strings.hpp"
#include "frontend/heredoc_scan.hpp"
#include "frontend/node_builder.hpp"
#include "frontend/physical_lines.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace distill::frontend {
namespace {

using support::SourcePos;
using support::SourceRange;

// How much of a line survives BuildKit's trimContinuationCharacter, and
// whether the line ends the instruction. The line continues when it ends with
// the escape character plus optional spaces or tabs, unless that escape
// character is itself escaped (`\\`); the escape and the blanks are dropped.
struct Continuation {
  std::size_t keep = 0;
  bool end_of_line = true;
};

Continuation trim_continuation(std::string_view line, char escape) {
  std::size_t end = line.size();
  while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
  if (end == 0 || line[end - 1] != escape) {
    return {line.size(), true};
  }
  if (end >= 2 && line[end - 2] == escape) {
    return {line.size(), true};
  }
  return {end - 1, false};
}

// One run of the parser over one file (BuildKit's Parse loop).
class ParseRun {
public:
  ParseRun(Document& document, support::DiagnosticSink& sink)
      : m_doc(document), m_text(document.file.text), m_lines(m_text), m_sink(sink) {}

  void run() {
    // Instructions are big; growing the vector would copy them all again.
    // There are at most as many as lines (the cap bounds what is reserved
    // up front for a huge input; past it the vector grows as usual).
    constexpr std::size_t k_reserve_cap = std::size_t{1} << 20;
    const auto lines = static_cast<std::size_t>(std::count(m_text.begin(), m_text.end(), '\n')) + 1;
    m_doc.instructions.reserve(std::min(lines, k_reserve_cap));
    while (auto line = m_lines.next()) {
      read_instruction(*line);
    }
    m_doc.escape = m_directives.escape();
    if (const auto& long_line = m_lines.too_long()) {
      const std::size_t limit = long_line->begin + k_max_line_bytes - (long_line->number == 1 ? long_line->begin : 0);
      m_sink.report({support::Severity::error, "line-too-long", {long_line->pos(limit), long_line->pos(long_line->end)},
                     fmt::format("dockerfile line greater than max allowed size of {}", k_max_line_bytes),
                     "split the line with the escape character at the end of each part"});
    }
    if (m_doc.instructions.empty()) {
      m_sink.report({support::Severity::error, "no-instructions", {}, "file with no instructions",
                     "a Dockerfile needs at least a FROM instruction"});
    }
  }

private:
  void read_instruction(const PhysicalLine& first) {
    const std::string_view raw = first.raw(m_text);
    if (is_comment(raw)) {
      collect_comment(raw);
    }
    std::string_view token = trim_newline(raw);
    std::size_t token_begin = first.begin;
    const std::size_t blank = go_trim_left_space(token);
    token.remove_prefix(blank);
    token_begin += blank;
    const SourceRange token_range{first.pos(token_begin), first.pos(token_begin + token.size())};
    if (m_directives.consume(token, token_range, m_doc.directives, m_sink) && !m_comments.empty()) {
      // A directive is not a doc comment.
      m_comments.pop_back();
    }
    if (is_comment(token)) {
      token = {};
    }
    m_last = first;
    Continuation cont = trim_continuation(token, m_directives.escape());
    if (cont.end_of_line && cont.keep == 0) {
      return;
    }

    // One LogicalLine is reused for every instruction, so its buffers are
    // allocated once per file.
    LogicalLine& logical = m_logical;
    logical.text.assign(token.substr(0, cont.keep));
    logical.map.reset(first.pos(token_begin));
    logical.map.append(first.pos(token_begin), cont.keep);
    bool empty_continuation = false;
    while (!cont.end_of_line) {
      auto next = m_lines.next();
      if (!next) {
        break;
      }
      m_last = *next;
      const std::string_view next_raw = next->raw(m_text);
      if (is_comment(next_raw)) {
        continue;
      }
      const std::string_view next_token = trim_newline(next_raw);
      if (go_trim_left_space(next_token) == next_token.size()) {
        empty_continuation = true;
        continue;
      }
      cont = trim_continuation(next_token, m_directives.escape());
      logical.text.append(next_token.substr(0, cont.keep));
      logical.map.append(next->pos(next->begin), cont.keep);
    }

    Instruction instruction;
    const BuildContext context{logical, m_directives.escape(), m_grammar, m_sink};
    build_instruction(instruction, context, 0, logical.text.size());
    instruction.comments = std::move(m_comments);
    m_comments.clear();
    if (empty_continuation) {
      m_sink.report({support::Severity::warning, "no-empty-continuation", last_line_range(),
                     "Empty continuation line found in: " + logical.text,
                     "remove the empty line, or make it a comment line"});
    }
    if (can_contain_heredoc(instruction) && logical.text.find("<<") != std::string::npos) {
      read_heredocs(instruction, logical);
    }
    set_where(instruction, first.pos(token_begin), end_of_last_line());
    m_doc.instructions.push_back(std::move(instruction));
  }

  void collect_comment(std::string_view raw) {
    // BuildKit drops the first byte (not necessarily the '#') and trims.
    const std::string_view rest = raw.substr(1);
    const Trimmed trimmed = go_trim_space(rest);
    if (trimmed.begin == trimmed.end) {
      m_comments.clear();
    } else {
      m_comments.emplace_back(rest.substr(trimmed.begin, trimmed.end - trimmed.begin));
    }
  }

  void read_heredocs(Instruction& instruction, const LogicalLine& logical) {
    auto markers = find_heredoc_markers(logical.text, m_grammar);
    if (!markers) {
      m_sink.report({support::Severity::error, "heredoc-syntax", logical.map.range(0, logical.text.size()),
                     markers.error().message, ""});
      return;
    }
    for (HeredocMarker& marker : *markers) {
      Heredoc heredoc;
      heredoc.name = std::move(marker.name);
      heredoc.expand = marker.expand;
      heredoc.chomp = marker.chomp;
      heredoc.fd = marker.fd;
      heredoc.where = logical.map.range(marker.where.begin, marker.where.end);
      const SourcePos body_begin = m_lines.position();
      bool terminated = false;
      while (auto line = m_lines.next()) {
        m_last = *line;
        const std::string_view raw = line->raw(m_text);
        std::string_view candidate = trim_newline(raw);
        if (heredoc.chomp) {
          candidate.remove_prefix(std::min(candidate.find_first_not_of('\t'), candidate.size()));
        }
        if (candidate == heredoc.name) {
          terminated = true;
          break;
        }
        heredoc.content.append(raw);
      }
      heredoc.body = {body_begin, body_begin.offset <= m_last.begin ? end_of_last_line() : body_begin};
      if (!terminated) {
        m_sink.report({support::Severity::error, "unterminated-heredoc", heredoc.where, "unterminated heredoc",
                       fmt::format("end the here-document with a line that is exactly {}", heredoc.name)});
        instruction.heredocs.push_back(std::move(heredoc));
        return;
      }
      instruction.heredocs.push_back(std::move(heredoc));
    }
  }

  SourcePos end_of_last_line() const {
    const std::string_view content = trim_newline(m_text.substr(m_last.begin, m_last.end - m_last.begin));
    return m_last.pos(m_last.begin + content.size());
  }

  SourceRange last_line_range() const { return {m_last.pos(m_last.begin), end_of_last_line()}; }

  // An instruction starts where its first line does (BuildKit's StartLine,
  // which a lone escape character on that line makes differ from the
  // keyword's line); an ONBUILD trigger starts at its keyword.
  static void set_where(Instruction& instruction, SourcePos begin, SourcePos end) {
    instruction.where = {begin, end};
    for (Instruction* node = instruction.onbuild.get(); node != nullptr; node = node->onbuild.get()) {
      node->where = {node->keyword_where.begin, end};
    }
  }

  Document& m_doc;
  std::string_view m_text;
  PhysicalLines m_lines;
  support::DiagnosticSink& m_sink;
  DirectiveWindow m_directives;
  GrammarSession m_grammar;
  std::vector<std::string> m_comments;
  PhysicalLine m_last;
  LogicalLine m_logical;
};

} // namespace

Document parse(support::SourceFile file, support::DiagnosticSink& sink) {
  Document document;
  document.file = std::move(file);
  ParseRun(document, sink).run();
  return document;
}

} // namespace distill::frontend
