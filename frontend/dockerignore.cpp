#include "frontend/dockerignore.hpp"

#include "frontend/go_path.hpp"
#include "frontend/go_regexp.hpp"
#include "frontend/unicode.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

namespace distill::frontend {

struct CompiledIgnoreRegex {
  GoRegexp regexp;
};

namespace {

constexpr std::string_view k_bad_pattern = "syntax error in pattern"; // filepath.ErrBadPattern

// strings.TrimSpace.
std::string_view trim_space(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    const auto [rune, width] = decode_rune(text, begin);
    if (!is_space(rune)) break;
    begin += width;
  }
  std::size_t end = begin; // just past the last rune that is not white space
  for (std::size_t pos = begin; pos < text.size();) {
    const auto [rune, width] = decode_rune(text, pos);
    pos += width;
    if (!is_space(rune)) end = pos;
  }
  return text.substr(begin, end - begin);
}

// One character (or escape) of a filepath.Match class; advances `i`.
bool class_char(std::string_view p, std::size_t& i) {
  if (i >= p.size() || p[i] == '-' || p[i] == ']') return false;
  if (p[i] == '\\') {
    ++i;
    if (i >= p.size()) return false;
  }
  const auto [rune, width] = decode_rune(p, i);
  if (rune == k_rune_error && width == 1) return false;
  i += width;
  return i < p.size(); // the class must be closed
}

// Whether `pattern` is well-formed for Go's filepath.Match, which
// patternmatcher.New calls only for its error.
bool valid_match_syntax(std::string_view p) {
  std::size_t i = 0;
  while (i < p.size()) {
    switch (p[i]) {
    case '\\':
      if (i + 1 >= p.size()) return false;
      i += 2;
      break;
    case '[': {
      ++i;
      if (i < p.size() && p[i] == '^') ++i;
      for (int ranges = 0;; ++ranges) {
        if (i < p.size() && p[i] == ']' && ranges > 0) {
          ++i;
          break;
        }
        if (!class_char(p, i)) return false;
        if (p[i] == '-') {
          ++i;
          if (!class_char(p, i)) return false;
        }
      }
      break;
    }
    default:
      ++i;
    }
  }
  return true;
}

// patternmatcher's shouldEscape: its bitmap only holds `.+()$` (the entries
// for `|{}` overflow a byte and are lost), so `|`, `{` and `}` reach the
// regular expression unescaped.
bool should_escape(char32_t ch) {
  return ch == '.' || ch == '+' || ch == '(' || ch == ')' || ch == '$';
}

// Pattern.compile: the match type and, for Match::regexp, the Go regexp.
void classify(IgnorePattern& pattern) {
  const std::string& text = pattern.pattern;
  std::string re = "^";
  auto type = IgnorePattern::Match::exact;
  std::size_t pos = 0;
  // Go's text/scanner skips a leading byte order mark.
  if (text.starts_with("\xEF\xBB\xBF")) pos = 3;
  const auto peek = [&]() -> std::int32_t {
    return pos < text.size() ? static_cast<std::int32_t>(decode_rune(text, pos).rune) : -1;
  };
  const auto next = [&]() -> std::int32_t {
    if (pos >= text.size()) return -1;
    const auto [rune, width] = decode_rune(text, pos);
    pos += width;
    return static_cast<std::int32_t>(rune);
  };
  for (int i = 0; peek() != -1; ++i) {
    const std::int32_t ch = next();
    if (ch == '*') {
      if (peek() == '*') {
        next();
        if (peek() == '/') next();
        if (peek() == -1) {
          if (type == IgnorePattern::Match::exact) {
            type = IgnorePattern::Match::prefix;
          } else {
            re += ".*";
            type = IgnorePattern::Match::regexp;
          }
        } else {
          re += "(.*/)?";
          type = IgnorePattern::Match::regexp;
        }
        if (i == 0) type = IgnorePattern::Match::suffix;
      } else {
        re += "[^/]*";
        type = IgnorePattern::Match::regexp;
      }
    } else if (ch == '?') {
      re += "[^/]";
      type = IgnorePattern::Match::regexp;
    } else if (should_escape(static_cast<char32_t>(ch))) {
      re += '\\';
      append_rune(re, static_cast<char32_t>(ch));
    } else if (ch == '\\') {
      if (peek() != -1) {
        re += '\\';
        append_rune(re, static_cast<char32_t>(next()));
        type = IgnorePattern::Match::regexp;
      } else {
        re += '\\';
      }
    } else if (ch == '[' || ch == ']') {
      re += static_cast<char>(ch);
      type = IgnorePattern::Match::regexp;
    } else {
      append_rune(re, static_cast<char32_t>(ch));
    }
  }
  pattern.match = type;
  if (type == IgnorePattern::Match::regexp) {
    re += '$';
    pattern.go_regexp = re;
    if (auto compiled = compile_go_regexp(re)) {
      pattern.compiled = std::make_shared<const CompiledIgnoreRegex>(CompiledIgnoreRegex{std::move(*compiled)});
    }
  }
}

support::Result<bool> pattern_matches(const IgnorePattern& pattern, std::string_view path) {
  switch (pattern.match) {
  case IgnorePattern::Match::exact:
    return path == pattern.pattern;
  case IgnorePattern::Match::prefix:
    return path.starts_with(std::string_view(pattern.pattern).substr(0, pattern.pattern.size() - 2));
  case IgnorePattern::Match::suffix: {
    const std::string_view suffix = std::string_view(pattern.pattern).substr(2);
    if (path.ends_with(suffix)) return true;
    return suffix[0] == '/' && path == suffix.substr(1); // `**/foo` matches "foo"
  }
  case IgnorePattern::Match::regexp:
    if (!pattern.compiled) return support::fail("{}", k_bad_pattern);
    return go_regexp_search(pattern.compiled->regexp, path);
  }
  return false;
}

} // namespace

support::Result<std::vector<std::string>> read_ignore_patterns(std::string_view content) {
  std::vector<std::string> patterns;
  bool first = true;
  while (!content.empty()) {
    const auto newline = content.find('\n');
    std::string_view line = content.substr(0, newline);
    content.remove_prefix(newline == std::string_view::npos ? content.size() : newline + 1);
    // bufio.Scanner's limit on one line.
    if (line.size() >= 64 * 1024) {
      return support::fail("error reading .dockerignore: bufio.Scanner: token too long");
    }
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (first && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
    first = false;
    if (line.starts_with('#')) continue;
    std::string_view trimmed = trim_space(line);
    if (trimmed.empty()) continue;
    const bool invert = trimmed[0] == '!';
    if (invert) trimmed = trim_space(trimmed.substr(1));
    std::string pattern(trimmed);
    if (!pattern.empty()) {
      pattern = go_clean_path(pattern);
      if (pattern.size() > 1 && pattern[0] == '/') pattern.erase(0, 1);
    }
    patterns.push_back(invert ? "!" + pattern : pattern);
  }
  return patterns;
}

support::Result<IgnoreMatcher> make_ignore_matcher(const std::vector<std::string>& patterns) {
  IgnoreMatcher matcher;
  for (const auto& raw : patterns) {
    std::string_view trimmed = trim_space(raw);
    if (trimmed.empty()) continue;
    std::string text = go_clean_path(trimmed);
    IgnorePattern pattern;
    if (text[0] == '!') {
      if (text.size() == 1) return support::fail("illegal exclusion pattern: \"!\"");
      pattern.exclusion = true;
      text.erase(0, 1);
      matcher.exclusions = true;
    }
    if (!valid_match_syntax(text)) return support::fail("{}", k_bad_pattern);
    pattern.pattern = std::move(text);
    classify(pattern);
    matcher.patterns.push_back(std::move(pattern));
  }
  return matcher;
}

support::Result<bool> ignore_matches(const IgnoreMatcher& matcher, std::string_view path) {
  bool matched = false;
  const std::string parent = go_dir(path);
  std::vector<std::string_view> parent_dirs;
  for (std::string_view rest = parent;;) {
    const auto slash = rest.find('/');
    parent_dirs.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  for (const auto& pattern : matcher.patterns) {
    // An inclusion cannot change an excluded path and vice versa.
    if (pattern.exclusion != matched) continue;
    auto match = pattern_matches(pattern, path);
    if (!match) return match;
    bool hit = *match;
    if (!hit && parent != ".") {
      std::string prefix;
      for (std::size_t i = 0; i < parent_dirs.size() && !hit; ++i) {
        if (i > 0) prefix += '/';
        prefix += parent_dirs[i];
        auto parent_match = pattern_matches(pattern, prefix);
        hit = parent_match.value_or(false); // BuildKit ignores errors here
      }
    }
    if (hit) matched = !pattern.exclusion;
  }
  return matched;
}

std::optional<std::filesystem::path> find_ignore_file(const std::filesystem::path& context_dir,
                                                      const std::filesystem::path& dockerfile) {
  std::error_code ec;
  std::filesystem::path specific = dockerfile;
  specific += ".dockerignore";
  if (std::filesystem::is_regular_file(specific, ec)) return specific;
  std::filesystem::path common = context_dir / ".dockerignore";
  if (std::filesystem::is_regular_file(common, ec)) return common;
  return std::nullopt;
}

support::Result<IgnoreMatcher> load_ignore_file(const std::filesystem::path& context_dir,
                                                const std::filesystem::path& dockerfile) {
  const auto path = find_ignore_file(context_dir, dockerfile);
  if (!path) return IgnoreMatcher{};
  std::ifstream in(*path, std::ios::binary);
  if (!in) return support::fail("{}: cannot open the file", path->string());
  std::ostringstream content;
  content << in.rdbuf();
  auto patterns = read_ignore_patterns(content.str());
  if (!patterns) return std::unexpected(patterns.error().context(path->string()));
  auto matcher = make_ignore_matcher(*patterns);
  if (!matcher) return std::unexpected(matcher.error().context(path->string()));
  return matcher;
}

} // namespace distill::frontend
