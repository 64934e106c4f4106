// Errors read like a compiler's: file:line:column, BuildKit's message, the
// line and a caret under the offending text.

#include "frontend/check_instructions.hpp"
#include "parse_test_support.hpp"

#include <gtest/gtest.h>

namespace distill::frontend::test {
namespace {

// Every diagnostic of parsing (and checking) `text`, rendered.
std::string rendered(const std::string& text, bool check = true) {
  Parsed p = parse_text(text);
  if (check) {
    check_instructions(p.document, p.sink);
  }
  std::string out;
  for (const auto& d : p.sink.diagnostics()) {
    out += support::render(d, p.document.file);
  }
  return out;
}

TEST(ParseErrors, UnknownInstructionWithSuggestion) {
  EXPECT_EQ(rendered("FROM debian\nRUNN apt-get update\n"),
            "Dockerfile:2:1: error: unknown instruction: RUNN (did you mean RUN?) [unknown-instruction]\n"
            "    2 | RUNN apt-get update\n"
            "      | ^~~~\n");
}

TEST(ParseErrors, SuggestionFollowsTheCaseWritten) {
  EXPECT_NE(rendered("FROM a\ncopyy a b\n").find("unknown instruction: copyy (did you mean copy?)"), std::string::npos);
  EXPECT_NE(rendered("FROM a\nWorkDir2 /x\n").find("unknown instruction: WorkDir2 (did you mean workdir?)"),
            std::string::npos);
  // Too far from every keyword: no suggestion.
  EXPECT_NE(rendered("FROM a\nFROBNICATE x\n").find("unknown instruction: FROBNICATE [unknown-instruction]"),
            std::string::npos);
}

TEST(ParseErrors, NoBuildStage) {
  EXPECT_EQ(rendered("ARG V=1\n  RUN echo $V\nFROM a\n"),
            "Dockerfile:2:3: error: no build stage in current context [no-build-stage]\n"
            "    2 |   RUN echo $V\n"
            "      |   ^~~\n"
            "hint: start the build with a FROM instruction; only ARG may come before it\n");
}

TEST(ParseErrors, EnvWithoutValue) {
  EXPECT_EQ(rendered("FROM a\nENV KEY\n"), "Dockerfile:2:5: error: ENV must have two arguments [missing-value]\n"
                                           "    2 | ENV KEY\n"
                                           "      |     ^~~\n");
}

TEST(ParseErrors, MissingEqualsPointsAtTheWord) {
  EXPECT_EQ(rendered("FROM a\nENV A=1 # note\n"),
            "Dockerfile:2:9: error: Syntax error - can't find = in \"#\". Must be of the form: name=value "
            "[missing-equals]\n"
            "    2 | ENV A=1 # note\n"
            "      |         ^\n");
}

TEST(ParseErrors, JsonWithNonStringPointsAtTheElement) {
  EXPECT_EQ(rendered("FROM a\nCMD [\"a\", 12]\n"),
            "Dockerfile:2:11: error: when using JSON array syntax, arrays must be comprised of strings only "
            "[json-not-strings]\n"
            "    2 | CMD [\"a\", 12]\n"
            "      |           ^~\n");
}

TEST(ParseErrors, UnterminatedHeredoc) {
  EXPECT_EQ(rendered("FROM a\nCOPY <<-'END' /etc/motd\nhello\n"),
            "Dockerfile:2:6: error: unterminated heredoc [unterminated-heredoc]\n"
            "    2 | COPY <<-'END' /etc/motd\n"
            "      |      ^~~~~~~~\n"
            "hint: end the here-document with a line that is exactly END\n");
}

TEST(ParseErrors, EmptyFile) {
  EXPECT_EQ(rendered(""), "Dockerfile: error: file with no instructions [no-instructions]\n"
                          "hint: a Dockerfile needs at least a FROM instruction\n");
}

TEST(ParseErrors, Directives) {
  EXPECT_EQ(rendered("# escape=x\nFROM a\n"),
            "Dockerfile:1:1: error: invalid escape token 'x' does not match ` or \\ [invalid-escape]\n"
            "    1 | # escape=x\n"
            "      | ^~~~~~~~~~\n"
            "hint: use `# escape=\\` or `# escape=``\n");
  EXPECT_NE(rendered("# syntax=a\n# SYNTAX=b\nFROM a\n").find("2:1: error: only one syntax parser directive can be used"),
            std::string::npos);
}

TEST(ParseErrors, LineTooLong) {
  const std::string out = rendered("FROM a\nRUN " + std::string(70000, 'x') + "\n");
  EXPECT_EQ(out.substr(0, out.find('\n')),
            "Dockerfile:2:65536: error: dockerfile line greater than max allowed size of 65535 [line-too-long]");
}

TEST(ParseErrors, WarningsDoNotFail) {
  Parsed p = parse_text("FROM a\nRUN a \\\n\n b\n");
  EXPECT_FALSE(p.sink.has_errors());
  EXPECT_EQ(support::render(p.sink.diagnostics().at(0), p.document.file),
            "Dockerfile:4:1: warning: Empty continuation line found in: RUN a  b [no-empty-continuation]\n"
            "    4 |  b\n"
            "      | ^~\n"
            "hint: remove the empty line, or make it a comment line\n");
}

TEST(ParseErrors, KeywordsAreKnownCaseInsensitively) {
  Parsed p = parse_text("from a\nRun echo\nhealthCheck NONE\n");
  check_instructions(p.document, p.sink);
  EXPECT_FALSE(p.sink.has_errors()) << messages(p.sink);
}

} // namespace
} // namespace distill::frontend::test
