#include "planner/debian/control.hpp"

#include <gtest/gtest.h>

namespace distill::planner::debian {
namespace {

TEST(Control, ParsesStanzasAndFields) {
  std::string text = "Package: foo\nVersion: 1.0-1\nDepends: libc6 (>= 2.36)\n\n\n"
                     "Package: bar\nversion: 2\n";
  auto stanzas = parse_control(text);
  ASSERT_TRUE(stanzas) << stanzas.error().message;
  ASSERT_EQ(stanzas->size(), 2u);
  EXPECT_EQ((*stanzas)[0].get("Package"), "foo");
  EXPECT_EQ((*stanzas)[0].get("depends"), "libc6 (>= 2.36)");
  EXPECT_EQ((*stanzas)[0].line, 1u);
  EXPECT_EQ((*stanzas)[1].get("VERSION"), "2");
  EXPECT_EQ((*stanzas)[1].line, 6u);
  EXPECT_EQ((*stanzas)[1].get("Missing"), "");
  EXPECT_FALSE((*stanzas)[1].has("Missing"));
  // Zero-copy: the value points into the input.
  EXPECT_EQ((*stanzas)[0].get("Package").data(), text.data() + 9);
}

TEST(Control, MultiLineValuesKeepContinuationLines) {
  std::string text = "Description: short one\n long line one\n .\n long line two\n"
                     "SHA256:\n abc 12 main/Packages\n def 34 main/Packages.xz\n";
  auto stanzas = parse_control(text);
  ASSERT_TRUE(stanzas) << stanzas.error().message;
  const Stanza& s = (*stanzas)[0];
  EXPECT_EQ(first_line(s.get("Description")), "short one");
  EXPECT_EQ(s.get("Description"), "short one\n long line one\n .\n long line two");
  EXPECT_EQ(s.get("SHA256"), "abc 12 main/Packages\n def 34 main/Packages.xz");
  auto lines = value_lines(s.get("SHA256"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "def 34 main/Packages.xz");
  auto desc = value_lines(s.get("Description"));
  ASSERT_EQ(desc.size(), 4u);
  EXPECT_EQ(desc[2], ".");
}

TEST(Control, CommentsAreSkippedEvenInsideValues) {
  std::string text = "# leading comment\nTypes: deb\n# about the URIs\nURIs: http://127.0.0.1/x\n"
                     "Suites: a\n# inside\n b\n";
  auto stanzas = parse_control(text);
  ASSERT_TRUE(stanzas) << stanzas.error().message;
  ASSERT_EQ(stanzas->size(), 1u);
  EXPECT_EQ((*stanzas)[0].get("URIs"), "http://127.0.0.1/x");
  EXPECT_EQ((*stanzas)[0].get("Suites"), "a\n b");
  EXPECT_EQ((*stanzas)[0].line, 2u);

  auto strict = parse_control(text, ControlOptions{.allow_comments = false});
  ASSERT_FALSE(strict);
  EXPECT_EQ(strict.error().message, "line 1: comment lines are not allowed here");
}

TEST(Control, CrLfAndWhitespaceOnlySeparators) {
  std::string text = "A: 1\r\nB: x\r\n y\r\n \t \r\nA: 2\r\n";
  auto stanzas = parse_control(text);
  ASSERT_TRUE(stanzas) << stanzas.error().message;
  ASSERT_EQ(stanzas->size(), 2u);
  EXPECT_EQ((*stanzas)[0].get("A"), "1");
  EXPECT_EQ((*stanzas)[0].get("B"), "x\n y");
  EXPECT_EQ((*stanzas)[1].get("A"), "2");
}

TEST(Control, ValuesSurviveMovingTheResult) {
  auto stanzas = parse_control("A: x\n# c\n y\n");
  ASSERT_TRUE(stanzas);
  std::vector<Stanza> moved = std::move(*stanzas);
  moved.reserve(100);
  EXPECT_EQ(moved[0].get("a"), "x\n y");
}

TEST(Control, Errors) {
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"Package: a\nno colon here\n", "line 2: expected 'Field: value', got 'no colon here'"},
      {" continuation\n", "line 1: continuation line without a field before it"},
      {"A: 1\n\n x\n", "line 3: continuation line without a field before it"},
      {"A: 1\nB: 2\na: 3\n", "line 3: duplicate field 'a'"},
      {": value\n", "line 1: empty field name"},
  };
  for (const Case& c : cases) {
    auto result = parse_control(c.text);
    ASSERT_FALSE(result) << c.text;
    EXPECT_EQ(result.error().message, c.message);
  }
}

TEST(Control, VisitorStopsOnCallbackError) {
  int seen = 0;
  auto result = for_each_stanza("A: 1\n\nA: 2\n\nA: 3\n", [&](const Stanza& s) -> support::Result<void> {
    ++seen;
    if (s.get("A") == "2") {
      return support::fail("stop");
    }
    return {};
  });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "stop");
  EXPECT_EQ(seen, 2);
}

TEST(Control, EmptyInput) {
  auto stanzas = parse_control("\n\n  \n");
  ASSERT_TRUE(stanzas);
  EXPECT_TRUE(stanzas->empty());
}

} // namespace
} // namespace distill::planner::debian
