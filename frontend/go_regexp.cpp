#include "frontend/go_regexp.hpp"

#include "frontend/unicode.hpp"

#include <cwchar>
#include <vector>

namespace distill::frontend {
namespace {

constexpr std::size_t k_max_pattern_bytes = 4096;
constexpr std::size_t k_max_text_bytes = 8192; // longer than any path (PATH_MAX is 4096)

bool is_ascii_alnum(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Go's ASCII definitions of the Perl and POSIX classes, as class contents.
std::optional<std::wstring> perl_class(char32_t letter) {
  switch (letter) {
  case 'd': return L"0-9";
  case 's': return L"\\t\\n\\f\\r ";
  case 'w': return L"0-9A-Za-z_";
  default: return std::nullopt;
  }
}

std::optional<std::wstring> posix_class(std::wstring_view name) {
  if (name == L"alnum") return L"0-9A-Za-z";
  if (name == L"alpha") return L"A-Za-z";
  if (name == L"ascii") return L"\\x00-\\x7f";
  if (name == L"blank") return L"\\t ";
  if (name == L"cntrl") return L"\\x00-\\x1f\\x7f";
  if (name == L"digit") return L"0-9";
  if (name == L"graph") return L"!-~";
  if (name == L"lower") return L"a-z";
  if (name == L"print") return L" -~";
  if (name == L"punct") return L"!-/:-@\\[-`{-~";
  if (name == L"space") return L"\\t\\n\\v\\f\\r ";
  if (name == L"upper") return L"A-Z";
  if (name == L"word") return L"0-9A-Za-z_";
  if (name == L"xdigit") return L"0-9A-Fa-f";
  return std::nullopt;
}

std::optional<char32_t> control_escape(char32_t letter) {
  switch (letter) {
  case 'a': return 0x07;
  case 'f': return '\f';
  case 'n': return '\n';
  case 'r': return '\r';
  case 't': return '\t';
  case 'v': return '\v';
  default: return std::nullopt;
  }
}

void emit_literal(std::wstring& out, char32_t c) {
  static constexpr std::u32string_view k_syntax = U"^$\\.*+?()[]{}|/-";
  if (c < 0x20 || c == 0x7F) {
    wchar_t buf[8];
    std::swprintf(buf, 8, L"\\x%02x", static_cast<unsigned>(c));
    out += buf;
    return;
  }
  if (k_syntax.find(c) != std::u32string_view::npos) out += L'\\';
  out += static_cast<wchar_t>(c);
}

class Translator {
public:
  explicit Translator(std::string_view go) : m_in(decode_runes(go)) {}

  std::optional<std::wstring> run() {
    while (m_pos < m_in.size()) {
      const char32_t c = m_in[m_pos];
      if (c == '\\') {
        if (!escape_outside()) return std::nullopt;
      } else if (c == '[') {
        if (!char_class()) return std::nullopt;
      } else if (c == '{') {
        repeat_or_brace();
      } else if (c == '}' || c == ']') {
        emit_literal(m_out, c);
        ++m_pos;
      } else if (c == '.') {
        m_out += L"[^\\n]";
        ++m_pos;
      } else if (c == '*' || c == '?' || c == '(' || c == ')' || c == '|' || c == '^' || c == '$') {
        m_out += static_cast<wchar_t>(c);
        ++m_pos;
      } else {
        emit_literal(m_out, c);
        ++m_pos;
      }
    }
    return m_out;
  }

private:
  bool escape_outside() {
    if (m_pos + 1 >= m_in.size()) return false; // trailing backslash
    const char32_t d = m_in[m_pos + 1];
    m_pos += 2;
    if (d < 0x80 && !is_ascii_alnum(d)) {
      emit_literal(m_out, d);
    } else if (auto cls = perl_class(d)) {
      m_out += L"[" + *cls + L"]";
    } else if (d == 'D' || d == 'S' || d == 'W') {
      m_out += L"[^" + *perl_class(d - 'A' + 'a') + L"]";
    } else if (d == 'b' || d == 'B') {
      m_out += L'\\';
      m_out += static_cast<wchar_t>(d);
    } else if (d == 'A') {
      m_out += L'^';
    } else if (d == 'z') {
      m_out += L'$';
    } else if (auto ctl = control_escape(d)) {
      emit_literal(m_out, *ctl);
    } else {
      return false;
    }
    return true;
  }

  // One class member that is a single character; nullopt on error.
  std::optional<char32_t> class_rune() {
    if (m_pos >= m_in.size()) return std::nullopt;
    const char32_t c = m_in[m_pos++];
    if (c != '\\') return c;
    if (m_pos >= m_in.size()) return std::nullopt;
    const char32_t d = m_in[m_pos++];
    if (d < 0x80 && !is_ascii_alnum(d)) return d;
    return control_escape(d);
  }

  bool char_class() {
    ++m_pos; // '['
    m_out += L'[';
    if (m_pos < m_in.size() && m_in[m_pos] == '^') {
      m_out += L'^';
      ++m_pos;
    }
    for (bool first = true;; first = false) {
      if (m_pos >= m_in.size()) return false; // missing closing ]
      const char32_t c = m_in[m_pos];
      if (c == ']' && !first) {
        m_out += L']';
        ++m_pos;
        return true;
      }
      if (c == '[' && m_pos + 1 < m_in.size() && m_in[m_pos + 1] == ':') {
        // A POSIX class name, if ":]" follows; otherwise '[' is a literal.
        std::size_t end = m_pos + 2;
        while (end + 1 < m_in.size() && !(m_in[end] == ':' && m_in[end + 1] == ']')) ++end;
        if (end + 1 < m_in.size()) {
          std::wstring name;
          for (std::size_t i = m_pos + 2; i < end; ++i) name += static_cast<wchar_t>(m_in[i]);
          auto cls = posix_class(name);
          if (!cls) return false; // Go: invalid character class range
          m_out += *cls;
          m_pos = end + 2;
          continue;
        }
      }
      if (c == '\\' && m_pos + 1 < m_in.size()) {
        const char32_t d = m_in[m_pos + 1];
        if (auto cls = perl_class(d)) {
          m_out += *cls;
          m_pos += 2;
          continue;
        }
        if (d == 'D' || d == 'S' || d == 'W') return false; // not expressible inside a class here
      }
      auto lo = class_rune();
      if (!lo) return false;
      emit_literal(m_out, *lo);
      // `a-` before the closing `]` is two literals.
      if (m_pos + 1 < m_in.size() && m_in[m_pos] == '-' && m_in[m_pos + 1] != ']') {
        ++m_pos;
        auto hi = class_rune();
        if (!hi || *hi < *lo) return false;
        m_out += L'-';
        emit_literal(m_out, *hi);
      }
    }
  }

  // `{n}`, `{n,}` or `{n,m}` is a repetition; any other `{` is a literal.
  void repeat_or_brace() {
    std::size_t i = m_pos + 1;
    const auto number = [&](int& value) {
      const std::size_t start = i;
      value = 0;
      while (i < m_in.size() && m_in[i] >= '0' && m_in[i] <= '9' && i - start < 8) {
        value = value * 10 + static_cast<int>(m_in[i] - '0');
        ++i;
      }
      return i > start;
    };
    int low = 0;
    int high = -1;
    bool ok = number(low);
    if (ok && i < m_in.size() && m_in[i] == ',') {
      ++i;
      if (i < m_in.size() && m_in[i] != '}') ok = number(high);
    } else {
      high = low;
    }
    ok = ok && i < m_in.size() && m_in[i] == '}';
    if (!ok) {
      m_out += L"\\{";
      ++m_pos;
      return;
    }
    for (std::size_t k = m_pos; k <= i; ++k) m_out += static_cast<wchar_t>(m_in[k]);
    m_pos = i + 1;
  }

  std::vector<char32_t> m_in;
  std::size_t m_pos = 0;
  std::wstring m_out;
};

std::wstring widen(std::string_view text) {
  std::wstring out;
  for (std::size_t pos = 0; pos < text.size();) {
    const auto [rune, width] = decode_rune(text, pos);
    out += static_cast<wchar_t>(rune);
    pos += width;
  }
  return out;
}

} // namespace

std::optional<GoRegexp> compile_go_regexp(std::string_view go_syntax) {
  // libstdc++'s regex compiler and matcher recurse per term and per input
  // character: a pattern this long would overflow the stack.
  if (go_syntax.size() > k_max_pattern_bytes) return std::nullopt;
  auto translated = Translator(go_syntax).run();
  if (!translated) return std::nullopt;
  try {
    return GoRegexp{std::wregex(*translated, std::regex::ECMAScript)};
  } catch (const std::regex_error&) {
    return std::nullopt;
  }
}

bool go_regexp_search(const GoRegexp& regexp, std::string_view text) {
  if (text.size() > k_max_text_bytes) return false;
  const std::wstring wide = widen(text);
  try {
    return std::regex_search(wide, regexp.regex);
  } catch (const std::regex_error&) {
    return false; // complexity limits; Go's engine has none, but a path this hard is not real
  }
}

} // namespace distill::frontend
