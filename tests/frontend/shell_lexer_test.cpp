// The shell lexer against BuildKit's own vectors (shell-lexer/envVarTest,
// wordsTest) and ours made with BuildKit (extra/shell-lexer/modifiers.tsv).

#include "frontend/go_quote.hpp"
#include "frontend/shell_lexer.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using distill::frontend::LexerOptions;
using distill::frontend::process_word;
using distill::frontend::ShellEnv;

const std::filesystem::path k_data =
    std::filesystem::path(DISTILL_SOURCE_DIR) / ".." / "shared" / "conformance" / "buildkit-parser";

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::string trim(std::string_view text) {
  const auto* ws = " \t\n\r\v\f";
  const auto begin = text.find_first_not_of(ws);
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(ws);
  return std::string(text.substr(begin, end - begin + 1));
}

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto pos = text.find(sep, start);
    out.emplace_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

TEST(ShellLexerConformance, EnvVarTest) {
  const auto path = k_data / "shell-lexer" / "envVarTest";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared conformance data not found at " << path;
  const ShellEnv env{{"PWD", "/home"}, {"SHELL", "bash"}, {"KOREAN", "한국어"}, {"NULL", ""}};
  int checked = 0;
  int line_number = 0;
  for (const auto& raw : read_lines(path)) {
    ++line_number;
    const std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const auto fields = split(line, '|');
    ASSERT_EQ(fields.size(), 3u) << "line " << line_number;
    const std::string platform = trim(fields[0]);
    const std::string source = trim(fields[1]);
    const std::string expected = trim(fields[2]);
    // distill targets Linux images only: the Windows rows (case-insensitive
    // variable names) do not apply.
    if (platform == "W") continue;
    auto result = process_word(source, env);
    if (expected == "error") {
      EXPECT_FALSE(result.has_value()) << "line " << line_number << ": " << source << " gave " << result->result;
    } else {
      ASSERT_TRUE(result.has_value()) << "line " << line_number << ": " << source << ": "
                                      << result.error().message;
      EXPECT_EQ(result->result, expected) << "line " << line_number << ": " << source;
    }
    ++checked;
  }
  EXPECT_GT(checked, 200);
}

TEST(ShellLexerConformance, WordsTest) {
  const auto path = k_data / "shell-lexer" / "wordsTest";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared conformance data not found at " << path;
  ShellEnv env;
  int checked = 0;
  int line_number = 0;
  for (const auto& line : read_lines(path)) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    if (line.starts_with("ENV ")) {
      std::string assignment = line.substr(3);
      assignment.erase(0, assignment.find_first_not_of(' '));
      const auto eq = assignment.find('=');
      env[assignment.substr(0, eq)] = eq == std::string::npos ? "" : assignment.substr(eq + 1);
      continue;
    }
    const auto fields = split(line, '|');
    ASSERT_EQ(fields.size(), 2u) << "line " << line_number;
    const std::string input = trim(fields[0]);
    std::string expected_text = fields[1];
    expected_text.erase(0, expected_text.find_first_not_of(' '));
    const auto expected = split(expected_text, ',');
    auto result = process_word(input, env);
    if (expected[0] == "error") {
      EXPECT_FALSE(result.has_value()) << "line " << line_number << ": " << input;
    } else {
      ASSERT_TRUE(result.has_value()) << "line " << line_number << ": " << result.error().message;
      EXPECT_EQ(result->words, expected) << "line " << line_number << ": " << input;
    }
    ++checked;
  }
  EXPECT_GT(checked, 20);
}

TEST(ShellLexerConformance, ExtraModifiers) {
  const auto path = k_data / "extra" / "shell-lexer" / "modifiers.tsv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared conformance data not found at " << path;
  ShellEnv env;
  int checked = 0;
  int line_number = 0;
  for (const auto& line : read_lines(path)) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    if (line.starts_with("ENV ")) {
      const std::string assignment = line.substr(4);
      const auto eq = assignment.find('=');
      env[assignment.substr(0, eq)] = assignment.substr(eq + 1);
      continue;
    }
    const auto fields = split(line, '\t');
    ASSERT_GE(fields.size(), 2u) << "line " << line_number;
    auto result = process_word(fields[0], env);
    if (fields.size() == 3 && fields[1] == "ERROR") {
      ASSERT_FALSE(result.has_value()) << "line " << line_number << ": " << fields[0];
      EXPECT_EQ(result.error().message, fields[2]) << "line " << line_number;
    } else {
      ASSERT_EQ(fields.size(), 2u) << "line " << line_number;
      ASSERT_TRUE(result.has_value()) << "line " << line_number << ": " << result.error().message;
      EXPECT_EQ(result->result, fields[1]) << "line " << line_number << ": " << fields[0];
    }
    ++checked;
  }
  EXPECT_GT(checked, 50);
}

struct Case {
  std::string input;
  std::string expected; // result, or the error message when error is true
  bool error = false;
  LexerOptions options = {};
};

class ShellLexerCases : public testing::TestWithParam<Case> {};

TEST_P(ShellLexerCases, Processes) {
  const ShellEnv env{{"A", "alpha"}, {"E", ""}, {"SP", "x  y"}, {"V", "a.b.c"}, {"NL", "a\nb"}};
  const Case& c = GetParam();
  auto result = process_word(c.input, env, c.options);
  if (c.error) {
    ASSERT_FALSE(result.has_value()) << c.input << " gave " << result->result;
    EXPECT_EQ(result.error().message, c.expected);
  } else {
    ASSERT_TRUE(result.has_value()) << c.input << ": " << result.error().message;
    EXPECT_EQ(result->result, c.expected) << c.input;
  }
}

LexerOptions backtick() {
  LexerOptions options;
  options.escape = '`';
  return options;
}

LexerOptions raw_quotes_and_escapes() {
  LexerOptions options;
  options.raw_quotes = true;
  options.raw_escapes = true;
  return options;
}

LexerOptions heredoc_body() {
  LexerOptions options;
  options.skip_process_quotes = true;
  return options;
}

LexerOptions keep_unset() {
  LexerOptions options;
  options.skip_unset_env = true;
  return options;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ShellLexerCases,
    testing::Values(
        Case{"$A", "alpha"}, Case{"${A}b", "alphab"}, Case{"${V%.*}", "a.b"}, Case{"${V%%.*}", "a"},
        Case{"${V#*.}", "b.c"}, Case{"${V##*.}", "c"}, Case{"${V//./-}", "a-b-c"},
        Case{"${V/./-}", "a-b.c"},
        // `.` and `*` do not match a newline (Go regexp).
        Case{"${NL#*}", "a\nb"}, Case{"${NL##*}", "\nb"}, Case{"${NL/?/x}", "x\nb"},
        // Go's replacement template: $0 is the match, other names are empty.
        Case{"${A//l/[\\$0]}", "a[\\l]pha"}, Case{"${V///_}", "_a_._b_._c_"},
        Case{"${A#\\x}", "failed to process \"${A#\\\\x}\": invalid pattern (\\x) in substitution: invalid escape '\\x'", true},
        Case{"${A:#a}", "failed to process \"${A:#a}\": unsupported modifier (:#) in substitution", true},
        Case{"${A:%a}", "failed to process \"${A:%a}\": unsupported modifier (:%) in substitution", true},
        Case{"\"abc", "failed to process \"\\\"abc\": unexpected end of statement while looking for matching double-quote", true},
        Case{"'abc", "failed to process \"'abc\": unexpected end of statement while looking for matching single-quote", true},
        Case{"${A:-x", "failed to process \"${A:-x\": syntax error: missing '}'", true},
        Case{"${A/x", "failed to process \"${A/x\": syntax error: missing '/' in ${}", true},
        Case{"${A", "failed to process \"${A\": unsupported modifier (\xEF\xBF\xBD) in substitution", true},
        // The escape directive changes the lexer's escape character.
        Case{"a`$A", "a$A", false, backtick()}, Case{"a\\b", "a\\b", false, backtick()},
        Case{"\"a`\"b\"", "a\"b", false, backtick()},
        // Raw modes keep quotes and escapes (used to find heredoc markers).
        Case{"'a b'\\c\"$A\"", "'a b'\\c\"alpha\"", false, raw_quotes_and_escapes()},
        // COPY heredoc bodies: quotes are plain, escapes are removed.
        Case{"'$A' \\n \\$A", "'alpha' n $A", false, heredoc_body()},
        Case{"$U ${U} ${U:-d} $A", "$U ${U} ${U:-d} alpha", false, keep_unset()},
        // A leading byte order mark is skipped; invalid UTF-8 becomes U+FFFD.
        Case{"\xEF\xBB\xBFx", "x"}, Case{"a\xFFz", "a\xEF\xBF\xBDz"}));

TEST(ShellLexerWords, SplitsOnlyExpandedWhitespace) {
  const ShellEnv env{{"SP", "x  y"}};
  auto result = process_word("a$SP \"$SP\" c\\ d", env);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->words, (std::vector<std::string>{"ax", "y", "x  y", "c d"}));
}

TEST(ShellLexerWords, NestedModifierResetsCollectedWord) {
  // BuildKit quirk (shared words buffer in processStopOn): text collected
  // before a `${x:-y}` in the same word is dropped from the word list, while
  // the single-word result is right.
  const ShellEnv env;
  auto result = process_word("80${P:-/tcp}", env);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->result, "80/tcp");
  EXPECT_EQ(result->words, (std::vector<std::string>{"/tcp"}));
}

TEST(ShellLexerWords, ReportsMatchedAndUnmatchedNames) {
  const ShellEnv env{{"A", "1"}};
  auto result = process_word("$A ${B:-x} \"$C\" '$D'", env);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->matched, (std::set<std::string>{"A"}));
  EXPECT_EQ(result->unmatched, (std::set<std::string>{"B", "C"}));
}

TEST(GoQuote, MatchesStrconvQuote) {
  using distill::frontend::go_quote;
  EXPECT_EQ(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(go_quote("\t\n\x01\x7f"), "\"\\t\\n\\x01\\x7f\"");
  EXPECT_EQ(go_quote("\xff"), "\"\\xff\"");
  EXPECT_EQ(go_quote("♥é"), "\"♥é\"");
  EXPECT_EQ(go_quote("\xC2\xA0"), "\"\\u00a0\"");
  EXPECT_EQ(go_quote("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\"");
}

} // namespace

namespace {

TEST(ShellLexerRobustness, DeepNestingIsBoundedNotACrash) {
  const ShellEnv env;
  std::string ok;
  for (int i = 0; i < 900; ++i) ok += "${a:-";
  ok += "x" + std::string(900, '}');
  auto fine = process_word(ok, env);
  ASSERT_TRUE(fine.has_value()) << fine.error().message;
  EXPECT_EQ(fine->result, "x");
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep += "${a:-";
  auto refused = process_word(deep, env);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("nested too deeply"), std::string::npos);
}

TEST(ShellLexerRobustness, LongPatternsAndValues) {
  const ShellEnv env{{"V", std::string(100000, 'a') + "b"}};
  std::string stars;
  for (int i = 0; i < 20000; ++i) stars += "*a";
  // The shortest prefix matching (*a)x20000 is 20000 characters long.
  auto trimmed = process_word("${V#" + stars + "}", env);
  ASSERT_TRUE(trimmed.has_value());
  EXPECT_EQ(trimmed->result.size(), 80001u);
  // The longest: everything up to the last a.
  auto greedy = process_word("${V##*a}", env);
  ASSERT_TRUE(greedy.has_value());
  EXPECT_EQ(greedy->result, "b");
  auto none = process_word("${V%%" + std::string(50000, '?') + "c}", env);
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->result.size(), 100001u);
  const ShellEnv hard{{"V", std::string(3000, 'a')}};
  auto backtracking = process_word("${V##*a*a*a*a*a*b}", hard); // no match after many tries, no blow-up
  ASSERT_TRUE(backtracking.has_value());
  EXPECT_EQ(backtracking->result.size(), 3000u);
  auto replaced = process_word("${V//a/}", env);
  ASSERT_TRUE(replaced.has_value());
  EXPECT_EQ(replaced->result, "b");
}

} // namespace
