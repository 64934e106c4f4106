#include "frontend/antlr_adapter.hpp"

#include "frontend/unicode.hpp"

#include <algorithm>
#include <exception>

#include <antlr4-runtime.h>

#include "DockerfileLexer.h"
#include "DockerfileParser.h"

namespace distill::frontend {
namespace {

using grammar::DockerfileLexer;
using grammar::DockerfileParser;

// Which non-ASCII input symbols the lexer must see as themselves. ANTLR's C++
// runtime caches DFA transitions only for symbols up to 127 and simulates
// the ATN afresh for every other one, which is ten times slower. The grammar
// treats all non-ASCII symbols alike except a few blanks, so the stream folds
// the others to 'x', a letter that no rule singles out (it is no quote,
// escape, digit, blank, hex digit, nor part of a JSON literal or number):
// the tokens and their spans stay exactly the same.
enum class Fold {
  all,        // every byte >= 0x80 (JSON, heredoc markers)
  keep_blank, // all but 0x85 and 0xA0, blanks between flags
};

bool is_word_blank(char32_t rune) {
  return rune == 0x85 || rune == 0xA0 || rune == 0x1680 || (rune >= 0x2000 && rune <= 0x200A) || rune == 0x2028 ||
         rune == 0x2029 || rune == 0x202F || rune == 0x205F || rune == 0x3000;
}

// The lexer's input: the bytes of the text as symbols 0-255, or its decoded
// runes (an invalid byte as U+FFFD) with a table back to byte offsets; both
// folded as described above. Token spans index the original text.
class LineStream final : public antlr4::CharStream {
public:
  void load_bytes(std::string_view text, Fold fold) {
    m_bytes = text;
    m_use_runes = false;
    m_keep_blank = fold == Fold::keep_blank;
    m_size = text.size();
    m_p = 0;
  }

  void load_runes(std::string_view text) {
    m_bytes = text;
    m_use_runes = true;
    m_runes.clear();
    m_offsets.clear();
    for (std::size_t pos = 0; pos < text.size();) {
      const DecodedRune rune = decode_rune(text, pos);
      // In the word modes a non-ASCII blank acts as a space, anything else
      // as a letter.
      m_runes.push_back(rune.rune < 0x80 ? rune.rune : is_word_blank(rune.rune) ? U' ' : U'x');
      m_offsets.push_back(pos);
      pos += rune.width;
    }
    m_offsets.push_back(text.size());
    m_size = m_runes.size();
    m_p = 0;
  }

  // Byte offset of input symbol `index` (the text size at the end).
  std::size_t byte_offset(std::size_t index) const {
    index = std::min(index, m_size);
    return m_use_runes ? m_offsets[index] : index;
  }

  void consume() override {
    if (m_p >= m_size) {
      throw antlr4::IllegalStateException("cannot consume EOF");
    }
    ++m_p;
  }

  size_t LA(ssize_t i) override {
    if (i == 0) {
      return 0;
    }
    const ssize_t pos = static_cast<ssize_t>(m_p) + (i < 0 ? i : i - 1);
    if (pos < 0 || pos >= static_cast<ssize_t>(m_size)) {
      return antlr4::IntStream::EOF;
    }
    if (m_use_runes) {
      return static_cast<size_t>(m_runes[static_cast<std::size_t>(pos)]);
    }
    const auto byte = static_cast<unsigned char>(m_bytes[static_cast<std::size_t>(pos)]);
    if (byte < 0x80 || (m_keep_blank && (byte == 0x85 || byte == 0xA0))) {
      return byte;
    }
    return 'x';
  }

  ssize_t mark() override { return -1; }
  void release(ssize_t) override {}
  size_t index() override { return m_p; }
  void seek(size_t index) override { m_p = std::min(index, m_size); }
  size_t size() override { return m_size; }
  std::string getSourceName() const override { return "<line>"; }

  std::string getText(const antlr4::misc::Interval& interval) override {
    if (interval.a < 0 || interval.b < interval.a) {
      return {};
    }
    const std::size_t begin = byte_offset(static_cast<std::size_t>(interval.a));
    const std::size_t end = byte_offset(static_cast<std::size_t>(interval.b) + 1);
    return std::string(m_bytes.substr(begin, end - begin));
  }

  std::string toString() const override { return std::string(m_bytes); }

private:
  std::string_view m_bytes;
  std::vector<char32_t> m_runes;
  std::vector<std::size_t> m_offsets;
  bool m_use_runes = false;
  bool m_keep_blank = false;
  std::size_t m_size = 0;
  std::size_t m_p = 0;
};

// Keeps the first syntax error of a parse, lexer or parser, as a byte offset.
class FirstError final : public antlr4::BaseErrorListener {
public:
  explicit FirstError(const LineStream& stream) : m_stream(stream) {}

  void syntaxError(antlr4::Recognizer*, antlr4::Token*, size_t, size_t char_position_in_line,
                   const std::string& message, std::exception_ptr) override {
    if (!m_error) {
      // The only conversion of ANTLR positions: every input is one line, so
      // the 0-based position in the line is the index of an input symbol.
      m_error = GrammarError{message, m_stream.byte_offset(char_position_in_line)};
    }
  }

  void clear() { m_error.reset(); }
  const std::optional<GrammarError>& error() const { return m_error; }

private:
  const LineStream& m_stream;
  std::optional<GrammarError> m_error;
};

// Stops at the first error (no recovery: a failed JSON parse just means
// "shell form"), after telling the listener where it was.
class StopAtFirstError final : public antlr4::BailErrorStrategy {
public:
  antlr4::Token* recoverInline(antlr4::Parser* parser) override {
    reportError(parser, antlr4::InputMismatchException(parser));
    return BailErrorStrategy::recoverInline(parser);
  }
};

} // namespace

struct GrammarSession::Impl {
  LineStream stream;
  DockerfileLexer lexer{&stream};
  antlr4::CommonTokenStream tokens{&lexer};
  DockerfileParser parser{&tokens};
  FirstError listener{stream};

  Impl() {
    lexer.removeErrorListeners();
    lexer.addErrorListener(&listener);
    parser.removeErrorListeners();
    parser.addErrorListener(&listener);
    parser.setErrorHandler(std::make_shared<StopAtFirstError>());
    // The grammar is LL(2); full-context prediction never changes a result.
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::SLL);
  }

  // Runs one entry rule over the loaded stream, starting the lexer in `mode`.
  template <typename Rule>
  auto run(size_t mode, Rule rule) -> GrammarResult<decltype(rule(parser))> {
    lexer.setInputStream(&stream);
    lexer.setMode(mode);
    tokens.setTokenSource(&lexer);
    parser.setTokenStream(&tokens);
    listener.clear();
    try {
      auto* context = rule(parser);
      if (listener.error()) {
        return std::unexpected(*listener.error());
      }
      return context;
    } catch (const antlr4::ParseCancellationException&) {
      if (listener.error()) {
        return std::unexpected(*listener.error());
      }
      return std::unexpected(GrammarError{"syntax error", current_offset()});
    } catch (const std::exception& e) {
      // The runtime's own exceptions (IllegalStateException, ...) are bugs,
      // reported as values so that no exception leaves the frontend.
      return std::unexpected(GrammarError{e.what(), current_offset()});
    }
  }

  // Runs the lexer alone over the loaded stream (for parts whose structure
  // is all in the tokens), calling `token(type, span)` for each token until
  // it returns false.
  template <typename Visit>
  GrammarResult<bool> lex(size_t mode, Visit token) {
    lexer.setInputStream(&stream);
    lexer.setMode(mode);
    listener.clear();
    try {
      for (;;) {
        const std::unique_ptr<antlr4::Token> next = lexer.nextToken();
        if (next->getType() == antlr4::Token::EOF) {
          break;
        }
        if (!token(next->getType(), span(next.get()))) {
          break;
        }
      }
    } catch (const std::exception& e) {
      return std::unexpected(GrammarError{e.what(), stream.byte_offset(stream.index())});
    }
    if (listener.error()) {
      return std::unexpected(*listener.error());
    }
    return true;
  }

  std::size_t current_offset() {
    antlr4::Token* token = parser.getCurrentToken();
    return token ? stream.byte_offset(token->getStartIndex()) : 0;
  }

  Span span(const antlr4::Token* first, const antlr4::Token* last) const {
    const std::size_t begin = stream.byte_offset(first->getStartIndex());
    if (last == nullptr || last->getType() == antlr4::Token::EOF || last->getStopIndex() + 1 <= first->getStartIndex()) {
      return {begin, begin};
    }
    return {begin, stream.byte_offset(last->getStopIndex() + 1)};
  }

  Span span(const antlr4::Token* token) const { return span(token, token); }
  Span span(antlr4::ParserRuleContext* context) const { return span(context->getStart(), context->getStop()); }
};

GrammarSession::GrammarSession() : m_impl(std::make_unique<Impl>()) {}
GrammarSession::~GrammarSession() = default;

GrammarResult<HeadSyntax> GrammarSession::head(std::string_view line) {
  // The head is a flat sequence of tokens (the lexer's modes do the quoting
  // inside flags), so it is read from the lexer directly: this runs once per
  // instruction and the parser would only add allocations.
  m_impl->stream.load_bytes(line, Fold::keep_blank);
  HeadSyntax head;
  head.rest = line.size();
  std::optional<Span> flag;
  auto lexed = m_impl->lex(antlr4::Lexer::DEFAULT_MODE, [&](size_t type, Span span) {
    switch (type) {
    case DockerfileLexer::KEYWORD:
      head.keyword = span;
      return true;
    case DockerfileLexer::FLAG_START:
      if (flag) {
        head.flags.push_back(*flag);
      }
      flag = span;
      return true;
    case DockerfileLexer::REST_START:
      head.rest = span.begin;
      return false;
    default: // a part of the current flag word (blanks are skipped tokens)
      if (flag) {
        flag->end = span.end;
      }
      return true;
    }
  });
  if (!lexed) {
    return std::unexpected(lexed.error());
  }
  if (flag) {
    head.flags.push_back(*flag);
  }
  return head;
}

GrammarResult<JsonSyntax> GrammarSession::json_array(std::string_view text) {
  m_impl->stream.load_bytes(text, Fold::all);
  auto context = m_impl->run(DockerfileLexer::JSON_MODE, [](DockerfileParser& p) { return p.jsonArray(); });
  if (!context) {
    return std::unexpected(context.error());
  }
  JsonSyntax json;
  for (DockerfileParser::JsonValueContext* value : (*context)->jsonValue()) {
    json.elements.push_back({m_impl->span(value), value->J_STRING() != nullptr});
  }
  for (antlr4::Token* token : m_impl->tokens.getTokens()) {
    if (token->getType() == DockerfileLexer::J_NUMBER) {
      json.numbers.push_back(m_impl->span(token));
    }
  }
  return json;
}

GrammarResult<std::vector<Span>> GrammarSession::words(std::string_view text, char escape) {
  // A word is a maximal run of adjacent tokens (blanks are skipped); the
  // lexer's modes already decide quoting, so a parser would add nothing.
  m_impl->stream.load_runes(text);
  const size_t mode = escape == '`' ? DockerfileLexer::WORDS_BT_MODE : DockerfileLexer::WORDS_MODE;
  std::vector<Span> words;
  auto lexed = m_impl->lex(mode, [&](size_t, Span span) {
    if (!words.empty() && words.back().end == span.begin) {
      words.back().end = span.end;
    } else {
      words.push_back(span);
    }
    return true;
  });
  if (!lexed) {
    return std::unexpected(lexed.error());
  }
  return words;
}

std::optional<HeredocMarkerSyntax> GrammarSession::heredoc_marker(std::string_view word) {
  m_impl->stream.load_bytes(word, Fold::all);
  auto context = m_impl->run(DockerfileLexer::HEREDOC_MODE, [](DockerfileParser& p) { return p.heredocMarker(); });
  if (!context) {
    return std::nullopt;
  }
  HeredocMarkerSyntax marker;
  if (antlr4::tree::TerminalNode* digits = (*context)->H_DIGITS()) {
    marker.fd = m_impl->span(digits->getSymbol());
  }
  marker.chomp = (*context)->H_DASH() != nullptr;
  if (antlr4::tree::TerminalNode* name = (*context)->H_NAME()) {
    marker.name = m_impl->span(name->getSymbol());
  } else {
    marker.name = {word.size(), word.size()};
  }
  return marker;
}

} // namespace distill::frontend
