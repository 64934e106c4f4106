#include "frontend/shell_lexer.hpp"

#include "frontend/go_quote.hpp"
#include "frontend/shell_pattern.hpp"
#include "frontend/unicode.hpp"

#include <cstdint>
#include <expected>
#include <utility>

namespace distill::frontend {
namespace {

constexpr std::int32_t k_eof = -1;

// Go's text/scanner in Next/Peek mode: runes from UTF-8 (an invalid byte
// reads as U+FFFD), a leading byte order mark skipped.
class Scanner {
public:
  explicit Scanner(std::string_view text) : m_text(text) {}

  std::int32_t peek() {
    if (m_ch == k_unread) {
      m_ch = read();
      if (m_ch == 0xFEFF) m_ch = read();
    }
    return m_ch;
  }

  std::int32_t next() {
    const std::int32_t ch = peek();
    if (ch != k_eof) m_ch = read();
    return ch;
  }

private:
  static constexpr std::int32_t k_unread = -2;

  std::int32_t read() {
    if (m_pos >= m_text.size()) return k_eof;
    const auto [rune, width] = decode_rune(m_text, m_pos);
    m_pos += width;
    return static_cast<std::int32_t>(rune);
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
  std::int32_t m_ch = k_unread;
};

void put(std::string& out, std::int32_t ch) {
  append_rune(out, ch < 0 ? k_rune_error : static_cast<char32_t>(ch));
}

std::string rune_string(std::int32_t ch) {
  std::string out;
  put(out, ch);
  return out;
}

// The word list of ProcessWords; unquoted white space that does not come from
// an escape separates words.
struct Words {
  std::string* buf = nullptr;
  std::vector<std::string> words;
  bool in_word = false;

  void add_char(std::int32_t ch) {
    const bool space = ch >= 0 && is_space(static_cast<char32_t>(ch));
    if (space && in_word) {
      if (!buf->empty()) {
        words.push_back(*buf);
        buf->clear();
        in_word = false;
      }
    } else if (!space) {
      add_raw_char(ch);
    }
  }
  void add_raw_char(std::int32_t ch) {
    put(*buf, ch);
    in_word = true;
  }
  void add_string(std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
      const auto [rune, width] = decode_rune(text, pos);
      add_char(static_cast<std::int32_t>(rune));
      pos += width;
    }
  }
  void add_raw_string(std::string_view text) {
    *buf += text;
    in_word = true;
  }
  std::vector<std::string> take_words() {
    if (!buf->empty()) {
      words.push_back(*buf);
      buf->clear();
      in_word = false;
    }
    return std::move(words);
  }
};

template <typename T>
using Step = std::expected<T, std::string>;

struct Processed {
  std::string result;
  std::vector<std::string> words;
};

// One run of the lexer over a word (BuildKit's shellWord).
class ShellWord {
public:
  ShellWord(std::string_view word, const ShellEnv& env, const LexerOptions& options, LexResult& out)
      : m_scanner(word), m_env(env), m_options(options),
        m_escape(static_cast<unsigned char>(options.escape)), m_raw_escapes(options.raw_escapes), m_out(out) {}

  Step<Processed> process() { return process_stop_on(k_eof, m_options.raw_escapes); }

private:
  Step<Processed> process_stop_on(std::int32_t stop, bool raw_escapes) {
    std::string result;
    // BuildKit shares one word buffer between nested calls (a `${x:-y}` inside
    // a word resets what ProcessWords had collected so far); kept on purpose.
    m_words_buffer.clear();
    Words words{&m_words_buffer, {}, false};
    const bool saved = m_raw_escapes;
    m_raw_escapes = raw_escapes;
    struct Restore {
      bool& flag;
      bool value;
      ~Restore() { flag = value; }
    } restore{m_raw_escapes, saved};

    while (m_scanner.peek() != k_eof) {
      std::int32_t ch = m_scanner.peek();
      if (stop != k_eof && ch == stop) {
        m_scanner.next();
        return Processed{std::move(result), words.take_words()};
      }
      const bool quote = !m_options.skip_process_quotes && (ch == '\'' || ch == '"');
      if (ch == '$' || quote) {
        auto part = ch == '$' ? process_dollar() : ch == '\'' ? process_single_quote() : process_double_quote();
        if (!part) return std::unexpected(part.error());
        result += *part;
        if (ch == '$') {
          words.add_string(*part);
        } else {
          words.add_raw_string(*part);
        }
        continue;
      }
      ch = m_scanner.next();
      if (ch == m_escape) {
        if (m_raw_escapes) {
          words.add_raw_char(ch);
          put(result, ch);
        }
        ch = m_scanner.next();
        if (ch == k_eof) break;
        words.add_raw_char(ch);
      } else {
        words.add_char(ch);
      }
      put(result, ch);
    }
    if (stop != k_eof) {
      return std::unexpected("unexpected end of statement while looking for matching " + rune_string(stop));
    }
    return Processed{std::move(result), words.take_words()};
  }

  Step<std::string> process_single_quote() {
    std::string result;
    std::int32_t ch = m_scanner.next();
    if (m_options.raw_quotes) put(result, ch);
    for (;;) {
      ch = m_scanner.next();
      if (ch == k_eof) return std::unexpected("unexpected end of statement while looking for matching single-quote");
      if (ch == '\'') {
        if (m_options.raw_quotes) put(result, ch);
        return result;
      }
      put(result, ch);
    }
  }

  Step<std::string> process_double_quote() {
    std::string result;
    std::int32_t ch = m_scanner.next();
    if (m_options.raw_quotes) put(result, ch);
    for (;;) {
      const std::int32_t peeked = m_scanner.peek();
      if (peeked == k_eof) {
        return std::unexpected("unexpected end of statement while looking for matching double-quote");
      }
      if (peeked == '"') {
        ch = m_scanner.next();
        if (m_options.raw_quotes) put(result, ch);
        return result;
      }
      if (peeked == '$') {
        auto value = process_dollar();
        if (!value) return value;
        result += *value;
        continue;
      }
      ch = m_scanner.next();
      if (ch == m_escape) {
        if (m_raw_escapes) put(result, ch);
        const std::int32_t after = m_scanner.peek();
        if (after == k_eof) continue; // an escape at the end of the word is dropped
        // Only `"`, `$` and the escape character itself can be escaped.
        if (after == '"' || after == '$' || after == m_escape) ch = m_scanner.next();
      }
      put(result, ch);
    }
  }

  Step<std::string> process_dollar() {
    // Go grows its stack; ours is fixed, so nesting (`${a:-${b:-...}}`) is bounded.
    if (m_depth >= k_max_depth) return std::unexpected("syntax error: substitutions nested too deeply");
    ++m_depth;
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{m_depth};
    m_scanner.next();
    if (m_scanner.peek() != '{') {
      const std::string name = process_name();
      if (name.empty()) return std::string("$");
      auto [value, found] = get_env(name);
      if (!found && m_options.skip_unset_env) return "$" + name;
      return value;
    }
    m_scanner.next();
    switch (m_scanner.peek()) {
    case k_eof:
      return std::unexpected("syntax error: missing '}'");
    case '{':
    case '}':
    case ':':
      return std::unexpected("syntax error: bad substitution");
    default:
      break;
    }
    const std::string name = process_name();
    std::int32_t ch = m_scanner.next();
    std::string chs = rune_string(ch);
    bool null_is_unset = false;

    if (ch == '}') {
      auto [value, found] = get_env(name);
      if (!found && m_options.skip_unset_env) return "${" + name + "}";
      return value;
    }
    if (ch == '/') return process_replace(name);
    if (ch == ':') {
      null_is_unset = true;
      ch = m_scanner.next();
      chs += rune_string(ch);
    } else if (ch != '+' && ch != '-' && ch != '?' && ch != '#' && ch != '%') {
      return std::unexpected("unsupported modifier (" + chs + ") in substitution");
    }

    const bool raw_escapes = ch == '#' || ch == '%';
    if (null_is_unset && raw_escapes) {
      return std::unexpected("unsupported modifier (" + chs + ") in substitution");
    }
    auto word_or = process_stop_on('}', raw_escapes);
    if (!word_or) {
      if (m_scanner.peek() == k_eof) return std::unexpected("syntax error: missing '}'");
      return std::unexpected(word_or.error());
    }
    std::string word = std::move(word_or->result);
    auto [value, set] = get_env(name);
    if (m_options.skip_unset_env && !set) return "${" + name + chs + word + "}";

    switch (ch) {
    case '-':
      if (!set || (null_is_unset && value.empty())) return word;
      return value;
    case '+':
      if (!set || (null_is_unset && value.empty())) return std::string();
      return word;
    case '?':
      if (!set) return std::unexpected(name + ": " + (word.empty() ? "is not allowed to be unset" : word));
      if (null_is_unset && value.empty()) {
        return std::unexpected(name + ": " + (word.empty() ? "is not allowed to be empty" : word));
      }
      return value;
    case '%':
    case '#': {
      // `#`/`%` remove the shortest match, `##`/`%%` the longest.
      bool greedy = false;
      if (!word.empty() && static_cast<unsigned char>(word[0]) == static_cast<unsigned>(ch)) {
        greedy = true;
        word.erase(0, 1);
      }
      auto trimmed = ch == '%' ? trim_suffix(word, value, greedy) : trim_prefix(word, value, greedy);
      if (!trimmed) return std::unexpected(trimmed.error().message);
      return *trimmed;
    }
    default:
      return std::unexpected("unsupported modifier (" + chs + ") in substitution");
    }
  }

  // `${name/pattern/replacement}` and `${name//pattern/replacement}`.
  Step<std::string> process_replace(const std::string& name) {
    const bool all = m_scanner.peek() == '/';
    if (all) m_scanner.next();
    auto pattern = process_stop_on('/', true);
    if (!pattern) {
      if (m_scanner.peek() == k_eof) return std::unexpected("syntax error: missing '/' in ${}");
      return std::unexpected(pattern.error());
    }
    auto replacement = process_stop_on('}', true);
    if (!replacement) {
      if (m_scanner.peek() == k_eof) return std::unexpected("syntax error: missing '}'");
      return std::unexpected(replacement.error());
    }
    auto [value, set] = get_env(name);
    if (m_options.skip_unset_env && !set) {
      return "${" + name + "/" + pattern->result + "/" + replacement->result + "}";
    }
    auto replaced = replace_pattern(pattern->result, value, replacement->result, all);
    if (!replaced) return std::unexpected(replaced.error().message);
    return *replaced;
  }

  // A name: letters, digits and `_`; or all digits (a positional parameter);
  // or one special parameter character.
  std::string process_name() {
    std::string name;
    while (m_scanner.peek() != k_eof) {
      const std::int32_t ch = m_scanner.peek();
      const auto rune = static_cast<char32_t>(ch);
      if (name.empty() && is_digit(rune)) {
        while (m_scanner.peek() != k_eof && is_digit(static_cast<char32_t>(m_scanner.peek()))) {
          put(name, m_scanner.next());
        }
        return name;
      }
      if (name.empty() && is_special_param(ch)) {
        put(name, m_scanner.next());
        return name;
      }
      if (!is_letter(rune) && !is_digit(rune) && ch != '_') break;
      put(name, m_scanner.next());
    }
    return name;
  }

  static bool is_special_param(std::int32_t ch) {
    switch (ch) {
    case '@': case '*': case '#': case '?': case '-': case '$': case '!': case '0':
      return true;
    default:
      return false;
    }
  }

  std::pair<std::string, bool> get_env(const std::string& name) {
    if (auto it = m_env.find(name); it != m_env.end()) {
      m_out.matched.insert(name);
      return {it->second, true};
    }
    m_out.unmatched.insert(name);
    return {std::string(), false};
  }

  Scanner m_scanner;
  const ShellEnv& m_env;
  const LexerOptions& m_options;
  std::int32_t m_escape;
  bool m_raw_escapes;
  std::string m_words_buffer;
  LexResult& m_out;
  int m_depth = 0;
  static constexpr int k_max_depth = 1000;
};

} // namespace

support::Result<LexResult> process_word(std::string_view word, const ShellEnv& env, const LexerOptions& options) {
  LexResult out;
  ShellWord shell_word(word, env, options, out);
  auto processed = shell_word.process();
  if (!processed) {
    return support::fail("failed to process {}: {}", go_quote(word), processed.error());
  }
  out.result = std::move(processed->result);
  out.words = std::move(processed->words);
  return out;
}

} // namespace distill::frontend
