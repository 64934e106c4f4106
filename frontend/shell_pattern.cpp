#include "frontend/shell_pattern.hpp"

#include "frontend/unicode.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_set>
#include <optional>
#include <vector>

namespace distill::frontend {
namespace {

// A decoded string: runes and the byte offset where each starts.
struct Runes {
  std::vector<char32_t> runes;
  std::vector<std::size_t> offsets; // one more than runes: the end offset last

  explicit Runes(std::string_view text) {
    std::size_t pos = 0;
    while (pos < text.size()) {
      const auto [rune, width] = decode_rune(text, pos);
      runes.push_back(rune);
      offsets.push_back(pos);
      pos += width;
    }
    offsets.push_back(pos);
  }
  std::size_t size() const { return runes.size(); }
};

struct Token {
  enum class Kind { literal, any, star };
  Kind kind = Kind::literal;
  char32_t rune = 0;
};

std::string encode(const std::vector<char32_t>& runes) {
  std::string out;
  for (char32_t rune : runes) append_rune(out, rune);
  return out;
}

// The regular expression BuildKit builds from a shell pattern
// (convertShellPatternToRegex), as a token list.
support::Result<std::vector<Token>> compile(std::string_view pattern) {
  Runes text(pattern);
  std::size_t i = 0;
  // Go's text/scanner skips a byte order mark at the very start.
  if (text.size() > 0 && text.runes[0] == 0xFEFF) i = 1;
  std::vector<Token> tokens;
  for (; i < text.size(); ++i) {
    const char32_t tok = text.runes[i];
    if (tok == '*') {
      tokens.push_back({Token::Kind::star, 0});
    } else if (tok == '?') {
      tokens.push_back({Token::Kind::any, 0});
    } else if (tok == '\\') {
      const bool has_next = i + 1 < text.size();
      if (has_next && (text.runes[i + 1] == '}' || text.runes[i + 1] == '/')) continue;
      const char32_t escaped = has_next ? text.runes[i + 1] : k_rune_error;
      if (!has_next || (escaped != '*' && escaped != '?' && escaped != '\\')) {
        std::string shown;
        append_rune(shown, escaped);
        return support::fail("invalid pattern ({}) in substitution: invalid escape '\\{}'", pattern, shown);
      }
      tokens.push_back({Token::Kind::literal, escaped});
      ++i;
    } else {
      tokens.push_back({Token::Kind::literal, tok});
    }
  }
  return tokens;
}

// Leftmost-first matching (Go's regexp semantics) of a token list: greedy
// stars prefer the longest run, lazy ones the shortest; `.` and `*` never
// match a newline. Backtracks with an explicit stack (patterns and values can
// be as long as a Dockerfile line) and remembers (star, position) states that
// failed, so the work stays polynomial.
class Matcher {
public:
  Matcher(const std::vector<Token>& tokens, const Runes& text, bool greedy)
      : m_tokens(tokens), m_text(text), m_greedy(greedy) {}

  // The end (rune index) of the preferred match starting at `start`.
  std::optional<std::size_t> match_at(std::size_t start) {
    struct Frame {
      std::size_t ti;
      std::size_t pos;
      std::size_t tried;   // alternatives taken so far
      std::size_t longest; // the longest run the star can take here
    };
    std::vector<Frame> stack;
    std::size_t ti = 0;
    std::size_t pos = start;
    for (;;) {
      bool ok = true;
      while (ti < m_tokens.size() && m_tokens[ti].kind != Token::Kind::star) {
        if (!matches_one(m_tokens[ti], pos)) {
          ok = false;
          break;
        }
        ++ti;
        ++pos;
      }
      if (ok && ti == m_tokens.size()) return pos;
      if (ok && !m_failed.contains(key(ti, pos))) {
        std::size_t longest = 0;
        while (pos + longest < m_text.size() && m_text.runes[pos + longest] != '\n') ++longest;
        stack.push_back(Frame{ti, pos, 0, longest});
      }
      // The next alternative of the innermost star that has one left.
      for (;;) {
        if (stack.empty()) return std::nullopt;
        Frame& frame = stack.back();
        if (frame.tried > frame.longest) {
          m_failed.insert(key(frame.ti, frame.pos));
          stack.pop_back();
          continue;
        }
        const std::size_t take = m_greedy ? frame.longest - frame.tried : frame.tried;
        ++frame.tried;
        ti = frame.ti + 1;
        pos = frame.pos + take;
        break;
      }
    }
  }

private:
  bool matches_one(const Token& token, std::size_t pos) const {
    if (pos >= m_text.size()) return false;
    if (token.kind == Token::Kind::any) return m_text.runes[pos] != '\n';
    return m_text.runes[pos] == token.rune;
  }

  std::uint64_t key(std::size_t ti, std::size_t pos) const {
    return static_cast<std::uint64_t>(ti) * (m_text.size() + 1) + pos;
  }

  const std::vector<Token>& m_tokens;
  const Runes& m_text;
  bool m_greedy;
  std::unordered_set<std::uint64_t> m_failed; // (star, position) states that cannot lead to a match
};

// Go's Regexp.Expand for a pattern without groups: `$0`/`${0}` is the match,
// `$$` a dollar, other names are empty, a malformed `$` stays.
void expand_template(std::string& out, std::string_view tmpl, std::string_view match) {
  while (!tmpl.empty()) {
    const auto dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out += tmpl.substr(0, dollar);
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out += '$';
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view rest = tmpl;
    const bool brace = !rest.empty() && rest[0] == '{';
    if (brace) rest.remove_prefix(1);
    std::size_t i = 0;
    while (i < rest.size()) {
      const auto [rune, width] = decode_rune(rest, i);
      if (!is_letter(rune) && !is_digit(rune) && rune != '_') break;
      i += width;
    }
    if (i == 0 || (brace && (i >= rest.size() || rest[i] != '}'))) {
      out += '$';
      continue;
    }
    const std::string_view name = rest.substr(0, i);
    tmpl = rest.substr(brace ? i + 1 : i);
    if (name == "0") out += match; // the only group: the whole match
  }
  out += tmpl;
}

support::Result<std::string> trim_prefix_runes(std::string_view pattern, std::string_view value,
                                               bool greedy) {
  auto tokens = compile(pattern);
  if (!tokens) return std::unexpected(tokens.error());
  Runes text(value);
  Matcher matcher(*tokens, text, greedy);
  if (auto end = matcher.match_at(0)) return std::string(value.substr(text.offsets[*end]));
  return std::string(value);
}

std::string reverse_pattern(std::string_view pattern) {
  const Runes runes(pattern);
  const std::size_t n = runes.size();
  std::vector<char32_t> out(n);
  for (std::size_t i = 0; i < n;) {
    const std::size_t out_idx = n - 1 - i;
    if (runes.runes[i] == '\\' && i != n - 1) {
      // Keep `\x` pairs in order so the escape still precedes its character.
      out[out_idx - 1] = '\\';
      out[out_idx] = runes.runes[i + 1];
      i += 2;
    } else {
      out[out_idx] = runes.runes[i];
      ++i;
    }
  }
  return encode(out);
}

std::string reverse_string(std::string_view text) {
  std::vector<char32_t> runes = Runes(text).runes;
  std::reverse(runes.begin(), runes.end());
  return encode(runes);
}

} // namespace

support::Result<std::string> trim_prefix(std::string_view pattern, std::string_view value, bool greedy) {
  return trim_prefix_runes(pattern, value, greedy);
}

support::Result<std::string> trim_suffix(std::string_view pattern, std::string_view value, bool greedy) {
  // Like BuildKit: reverse both and trim a prefix, since a leftmost search
  // cannot find the shortest rightmost match.
  auto trimmed = trim_prefix_runes(reverse_pattern(pattern), reverse_string(value), greedy);
  if (!trimmed) return trimmed;
  return reverse_string(*trimmed);
}

support::Result<std::string> replace_pattern(std::string_view pattern, std::string_view value,
                                             std::string_view replacement, bool all) {
  auto tokens = compile(pattern);
  if (!tokens) return std::unexpected(tokens.error());
  Runes text(value);
  Matcher matcher(*tokens, text, true);
  const auto find_from = [&](std::size_t from) -> std::optional<std::pair<std::size_t, std::size_t>> {
    for (std::size_t start = from; start <= text.size(); ++start) {
      if (auto end = matcher.match_at(start)) return std::pair{start, *end};
    }
    return std::nullopt;
  };
  const auto bytes = [&](std::size_t rune_index) { return text.offsets[rune_index]; };

  if (!all) {
    auto found = find_from(0);
    if (!found) return std::string(value);
    std::string out(value.substr(0, bytes(found->first)));
    out += replacement;
    out += value.substr(bytes(found->second));
    return out;
  }

  // Go's Regexp.ReplaceAllString loop, in rune indices.
  std::string out;
  std::size_t last_end = 0;
  std::size_t search = 0;
  while (search <= text.size()) {
    auto found = find_from(search);
    if (!found) break;
    const auto [begin, end] = *found;
    out += value.substr(bytes(last_end), bytes(begin) - bytes(last_end));
    if (end > last_end || begin == 0) {
      expand_template(out, replacement, value.substr(bytes(begin), bytes(end) - bytes(begin)));
    }
    last_end = end;
    const std::size_t width = search < text.size() ? 1 : 0;
    if (search + width > end) {
      search += width;
    } else if (search + 1 > end) {
      ++search;
    } else {
      search = end;
    }
  }
  out += value.substr(bytes(last_end));
  return out;
}

} // namespace distill::frontend
