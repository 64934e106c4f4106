// .dockerignore reading and matching against the cases made with BuildKit's
// patternmatcher (extra/dockerignore), plus our own table.

#include "frontend/dockerignore.hpp"
#include "frontend/go_path.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace distill::frontend;

const fs::path k_data =
    fs::path(DISTILL_SOURCE_DIR) / ".." / "shared" / "conformance" / "buildkit-parser" / "extra" / "dockerignore";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

distill::support::Result<IgnoreMatcher> matcher_for(std::string_view content) {
  auto patterns = read_ignore_patterns(content);
  if (!patterns) return std::unexpected(patterns.error());
  return make_ignore_matcher(*patterns);
}

TEST(DockerignoreConformance, AllCases) {
  if (!fs::exists(k_data)) GTEST_SKIP() << "shared conformance data not found at " << k_data;
  int cases = 0;
  int paths = 0;
  for (const auto& entry : fs::directory_iterator(k_data)) {
    const fs::path dir = entry.path();
    SCOPED_TRACE(dir.filename().string());
    auto matcher = matcher_for(slurp(dir / "dockerignore"));
    if (fs::exists(dir / "error")) {
      std::string expected = slurp(dir / "error");
      while (!expected.empty() && expected.back() == '\n') expected.pop_back();
      ASSERT_FALSE(matcher.has_value());
      EXPECT_EQ(matcher.error().message, expected);
      ++cases;
      continue;
    }
    ASSERT_TRUE(matcher.has_value()) << matcher.error().message;
    for (const auto& line : lines_of(slurp(dir / "expected"))) {
      const auto tab = line.rfind('\t');
      ASSERT_NE(tab, std::string::npos);
      const std::string path = line.substr(0, tab);
      const bool excluded = line.substr(tab + 1) == "true";
      auto result = ignore_matches(*matcher, path);
      ASSERT_TRUE(result.has_value()) << path;
      EXPECT_EQ(*result, excluded) << path;
      ++paths;
    }
    ++cases;
  }
  EXPECT_EQ(cases, 5);
  EXPECT_GT(paths, 40);
}

struct MatchCase {
  std::string ignore;
  std::string path;
  bool excluded;
};

class DockerignoreMatch : public testing::TestWithParam<MatchCase> {};

TEST_P(DockerignoreMatch, Matches) {
  const auto& c = GetParam();
  auto matcher = matcher_for(c.ignore);
  ASSERT_TRUE(matcher.has_value()) << matcher.error().message;
  auto result = ignore_matches(*matcher, c.path);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(*result, c.excluded) << "pattern " << c.ignore << " path " << c.path;
}

INSTANTIATE_TEST_SUITE_P(
    Table, DockerignoreMatch,
    testing::Values(
        MatchCase{"*.md", "a.md", true}, MatchCase{"*.md", "docs/a.md", false},
        MatchCase{"**/*.md", "docs/a.md", true}, MatchCase{"**/*.md", "a.md", true},
        MatchCase{"docs/**", "docs", false}, MatchCase{"docs/**", "docs/x/y", true},
        MatchCase{"**", "anything/at/all", true},
        // `**x` is a plain suffix match in patternmatcher.
        MatchCase{"**foo", "barfoo", true},
        MatchCase{"a?c", "abc", true}, MatchCase{"a?c", "a/c", false},
        MatchCase{"[a-c]x", "bx", true}, MatchCase{"[^a-c]x", "dx", true}, MatchCase{"[^a-c]x", "ax", false},
        MatchCase{"\\[x", "[x", true},
        MatchCase{"/leading/slash", "leading/slash/file", true},
        MatchCase{"a/./b/../c", "a/c", true},
        MatchCase{"*\n!keep.txt", "keep.txt", false}, MatchCase{"*\n!keep.txt", "other", true},
        MatchCase{"dir\n!dir/sub\ndir/sub/x", "dir/sub/x", true},
        MatchCase{"dir\n!dir/sub\ndir/sub/x", "dir/sub/y", false},
        // `|` reaches Go's regexp unescaped (patternmatcher's escape bitmap
        // overflows), so `*|x` is an alternation that matches everything.
        MatchCase{"*|x", "any/path", true},
        // `{` that is not a repetition is a literal.
        MatchCase{"*.{js,ts}", "a.{js,ts}", true}, MatchCase{"*.{js,ts}", "a.js", false},
        MatchCase{"\xEF\xBB\xBF# bom then comment\nx", "x", true},
        MatchCase{"\xEF\xBB\xBF# bom then comment\nx", "# bom then comment", false},
        MatchCase{"x\r\ny", "y", true}));

TEST(Dockerignore, Errors) {
  auto bang = matcher_for("!");
  ASSERT_FALSE(bang.has_value());
  EXPECT_EQ(bang.error().message, "illegal exclusion pattern: \"!\"");
  for (const char* bad : {"a[", "a[]b", "a[b-]", "trailing\\", "[z-a"}) {
    auto matcher = matcher_for(bad);
    EXPECT_FALSE(matcher.has_value()) << bad;
    if (!matcher) {
      EXPECT_EQ(matcher.error().message, "syntax error in pattern");
    }
  }
  auto too_long = read_ignore_patterns(std::string(70000, 'a'));
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().message, "error reading .dockerignore: bufio.Scanner: token too long");
}

TEST(Dockerignore, ReadsPatternsLikeIgnorefile) {
  auto patterns = read_ignore_patterns("# c\n  # p\n\n !  /x/../y/ \n/\n./a//b\n");
  ASSERT_TRUE(patterns.has_value());
  EXPECT_EQ(*patterns, (std::vector<std::string>{"# p", "!y", "/", "a/b"}));
}

TEST(GoPath, CleanAndDir) {
  EXPECT_EQ(go_clean_path(""), ".");
  EXPECT_EQ(go_clean_path("a/b/../c/./d/"), "a/c/d");
  EXPECT_EQ(go_clean_path("../../a/.."), "../..");
  EXPECT_EQ(go_clean_path("/../a"), "/a");
  EXPECT_EQ(go_clean_path("//a//b"), "/a/b");
  EXPECT_EQ(go_dir("a"), ".");
  EXPECT_EQ(go_dir("a/b/c"), "a/b");
  EXPECT_EQ(go_dir("/a"), "/");
}

class IgnoreFilePrecedence : public testing::Test {
protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("distill-ignore-" + std::to_string(::getpid()));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "build");
  }
  void TearDown() override { fs::remove_all(m_dir); }
  void write(const fs::path& path, const std::string& text) { std::ofstream(m_dir / path) << text; }
  fs::path m_dir;
};

TEST_F(IgnoreFilePrecedence, DockerfileSpecificWins) {
  EXPECT_EQ(find_ignore_file(m_dir, m_dir / "build" / "app.Dockerfile"), std::nullopt);
  write(".dockerignore", "common\n");
  EXPECT_EQ(find_ignore_file(m_dir, m_dir / "build" / "app.Dockerfile"), m_dir / ".dockerignore");
  write("build/app.Dockerfile.dockerignore", "specific\n");
  EXPECT_EQ(find_ignore_file(m_dir, m_dir / "build" / "app.Dockerfile"),
            m_dir / "build" / "app.Dockerfile.dockerignore");
  auto matcher = load_ignore_file(m_dir, m_dir / "build" / "app.Dockerfile");
  ASSERT_TRUE(matcher.has_value());
  EXPECT_TRUE(*ignore_matches(*matcher, "specific"));
  EXPECT_FALSE(*ignore_matches(*matcher, "common"));
  // Another Dockerfile in the same folder uses the common file.
  auto other = load_ignore_file(m_dir, m_dir / "Dockerfile");
  ASSERT_TRUE(other.has_value());
  EXPECT_TRUE(*ignore_matches(*other, "common"));
}

TEST_F(IgnoreFilePrecedence, ErrorsNameTheFile) {
  write(".dockerignore", "ok\n!\n");
  auto matcher = load_ignore_file(m_dir, m_dir / "Dockerfile");
  ASSERT_FALSE(matcher.has_value());
  EXPECT_EQ(matcher.error().message, (m_dir / ".dockerignore").string() + ": illegal exclusion pattern: \"!\"");
}

} // namespace

namespace {

TEST(DockerignoreRobustness, HugePatternsAndPaths) {
  // A pattern too long for std::regex is refused when it is evaluated, not a crash.
  auto matcher = matcher_for("*" + std::string(60000, 'a'));
  ASSERT_TRUE(matcher.has_value());
  auto result = ignore_matches(*matcher, "aaa");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message, "syntax error in pattern");
  auto exact = matcher_for(std::string(60000, 'b'));
  ASSERT_TRUE(exact.has_value());
  EXPECT_TRUE(*ignore_matches(*exact, std::string(60000, 'b')));
  auto star = matcher_for("*");
  EXPECT_TRUE(*ignore_matches(*star, std::string(4000, 'c')));
}

} // namespace
