// Bad input never crashes or hangs: invalid UTF-8, NUL bytes, a 1 MiB line,
// an unterminated heredoc, 10,000 nested `[`, deep ONBUILD chains, empty
// files, and a batch of random byte soup.

#include "frontend/ast_json.hpp"
#include "frontend/check_instructions.hpp"
#include "parse_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace distill::frontend::test {
namespace {

TEST(ParseRobustness, InvalidUtf8) {
  Parsed p = parse_text("FROM a\nRUN echo \xff\xfe\nLABEL k\xff=v\xc3\x28\nARG \xe2\x82\n\xc3\xa9TRANGE x\n");
  EXPECT_FALSE(p.sink.has_errors()) << messages(p.sink);
  EXPECT_EQ(dump(p.document), "(from \"a\")\n"
                              "(run \"echo \\xff\\xfe\")\n"
                              "(label \"k\xef\xbf\xbd\" \"v\xef\xbf\xbd(\" \"=\")\n"
                              "(arg \"\xef\xbf\xbd\xef\xbf\xbd\")\n"
                              "(\xc3\xa9trange \"\")");
  // The JSON form replaces what is not UTF-8.
  EXPECT_NE(ast_to_json(p.document).find("echo \xef\xbf\xbd\xef\xbf\xbd"), std::string::npos);
}

TEST(ParseRobustness, NulBytes) {
  const char raw[] = "FROM a\nRUN echo \0 x\nENV A=\0\n";
  Parsed p = parse_text(std::string(raw, sizeof(raw) - 1));
  EXPECT_FALSE(p.sink.has_errors()) << messages(p.sink);
  EXPECT_EQ(dump(p.document), "(from \"a\")\n(run \"echo \\x00 x\")\n(env \"A\" \"\\x00\" \"=\")");
}

TEST(ParseRobustness, OneMebibyteLine) {
  std::string text = "FROM a\nRUN echo " + std::string(1 << 20, 'x') + "\nRUN echo after\n";
  Parsed p = parse_text(text);
  ASSERT_TRUE(has_error(p.sink, "dockerfile line greater than max allowed size of 65535")) << messages(p.sink);
  const auto& error = p.sink.diagnostics().front();
  EXPECT_EQ(error.kind, "line-too-long");
  EXPECT_EQ(error.where.begin.line, 2);
  EXPECT_EQ(error.where.begin.column, 65536);
  // BuildKit stops reading at that line.
  EXPECT_EQ(p.document.instructions.size(), 1u);
}

TEST(ParseRobustness, LongestLineAllowed) {
  const std::string line = "RUN " + std::string(65535 - 4, 'x');
  Parsed ok = parse_text("FROM a\n" + line + "\n");
  EXPECT_FALSE(ok.sink.has_errors()) << messages(ok.sink);
  Parsed too_long = parse_text("FROM a\n" + line + "x\n");
  EXPECT_TRUE(too_long.sink.has_errors());
  // A CR counts toward the limit, as in BuildKit's scanner.
  Parsed crlf = parse_text("FROM a\r\n" + line + "\r\n");
  EXPECT_TRUE(crlf.sink.has_errors());
}

TEST(ParseRobustness, HugeLogicalLineFromContinuations) {
  std::string text = "FROM a\nRUN true";
  for (int i = 0; i < 2000; ++i) {
    text += " \\\n && echo " + std::string(500, 'y');
  }
  text += "\n";
  Parsed p = parse_text(text);
  EXPECT_FALSE(p.sink.has_errors()) << messages(p.sink);
  ASSERT_EQ(p.document.instructions.size(), 2u);
  EXPECT_GT(p.document.instructions[1].args.at(0).value.size(), 1000000u);
  EXPECT_EQ(p.document.instructions[1].where.end.line, 2002);
}

TEST(ParseRobustness, UnterminatedHeredoc) {
  Parsed p = parse_text("FROM a\nRUN <<EOF\necho never ends\n");
  ASSERT_TRUE(has_error(p.sink, "unterminated heredoc")) << messages(p.sink);
  const auto& error = p.sink.diagnostics().front();
  EXPECT_EQ(error.where.begin.line, 2);
  EXPECT_EQ(error.where.begin.column, 5);
  ASSERT_EQ(p.document.instructions.size(), 2u);
  EXPECT_EQ(p.document.instructions[1].heredocs.at(0).content, "echo never ends\n");
}

TEST(ParseRobustness, TenThousandNestedBrackets) {
  const std::string open(10000, '[');
  const std::string close(10000, ']');
  // Unterminated: not JSON, so the shell form.
  Parsed unterminated = parse_text("FROM a\nRUN " + open + "\nCMD " + open + "\nCOPY " + open + " /x\n");
  EXPECT_FALSE(unterminated.sink.has_errors()) << messages(unterminated.sink);
  EXPECT_EQ(unterminated.document.instructions.at(1).args.at(0).value, open);
  EXPECT_EQ(unterminated.document.instructions.at(3).args.size(), 2u);
  // Balanced, 10,000 deep: valid JSON for Go, holding an array: an error.
  Parsed balanced = parse_text("FROM a\nCMD " + open + close + "\n");
  EXPECT_TRUE(has_error(balanced.sink, "when using JSON array syntax, arrays must be comprised of strings only"))
      << messages(balanced.sink);
  // One level deeper than Go's decoder accepts: not JSON, the shell form.
  Parsed too_deep = parse_text("FROM a\nCMD [" + open + close + "]\n");
  EXPECT_FALSE(too_deep.sink.has_errors()) << messages(too_deep.sink);
  // Deep but broken JSON is the shell form too.
  Parsed broken = parse_text("FROM a\nCMD " + open + "1" + close + ",]\n");
  EXPECT_FALSE(broken.sink.has_errors()) << messages(broken.sink);
}

TEST(ParseRobustness, ShallowNestingThroughTheGrammar) {
  Parsed nested = parse_text("FROM a\nCMD [\"a\", [\"b\"], {\"k\": [1, null]}]\n");
  EXPECT_TRUE(has_error(nested.sink, "when using JSON array syntax, arrays must be comprised of strings only"));
  // A number Go cannot hold makes the whole thing "not JSON".
  Parsed overflow = parse_text("FROM a\nCMD [\"a\", [1e999]]\n");
  EXPECT_FALSE(overflow.sink.has_errors()) << messages(overflow.sink);
  EXPECT_EQ(overflow.document.instructions.at(1).args.at(0).value, "[\"a\", [1e999]]");
}

// The lexer sees non-ASCII symbols folded (antlr_adapter.cpp): the results
// must be those of the bytes as written.
TEST(ParseRobustness, NonAsciiIsNotMistakenForAscii) {
  // "f\xc3lse" is not the literal false, so this is not JSON: the shell form.
  Parsed literal = parse_text("FROM a\nCMD [f\xc3lse]\nCMD [\"\xc3\xa9\", \"\xe4\xb8\xad\"]\n");
  EXPECT_FALSE(literal.sink.has_errors()) << messages(literal.sink);
  EXPECT_EQ(dump(literal.document), "(from \"a\")\n(cmd \"[f\\xc3lse]\")\n(cmd \"\xc3\xa9\" \"\xe4\xb8\xad\")");
  // Non-ASCII blanks split words; other non-ASCII text does not.
  Parsed words = parse_text("FROM a\nARG a=\xc3\xa9\xc2\xa0" "b=\xe4\xb8\xad\xe3\x80\x80" "c\nENV k=\"\xc2\xa0\"\n");
  EXPECT_EQ(dump(words.document), "(from \"a\")\n(arg \"a=\xc3\xa9\" \"b=\xe4\xb8\xad\" \"c\")\n"
                                  "(env \"k\" \"\\\"\\u00a0\\\"\" \"=\")");
  // In flags, BuildKit splits on the byte 0xA0 (here the second byte of "\xc3\xa0").
  Parsed flags = parse_text("FROM a\nCOPY --chown=\xc3\xa0x y z\n");
  EXPECT_EQ(dump(flags.document.instructions.at(1)), "copy [\"--chown=\xc3\x83\"] \"x\" \"y\" \"z\"");
}

TEST(ParseRobustness, DeepOnbuildChain) {
  std::string line = "FROM a\n";
  for (int i = 0; i < 5000; ++i) {
    line += "ONBUILD ";
  }
  line += "RUN x\n";
  Parsed p = parse_text(line);
  EXPECT_TRUE(p.sink.has_errors());
  EXPECT_EQ(p.sink.diagnostics().front().kind, "onbuild-too-deep");
  EXPECT_FALSE(dump(p.document).empty());
}

TEST(ParseRobustness, EmptyAndCommentOnlyFiles) {
  for (const std::string text : {"", "\n\n", "# only a comment\n", "# syntax=docker/dockerfile:1\n", "  \t\n",
                                 "\xEF\xBB\xBF", "\\\n"}) {
    Parsed p = parse_text(text);
    if (text == "\\\n") {
      // A lone escape character joins nothing and leaves an empty instruction, as in BuildKit.
      EXPECT_EQ(dump(p.document), "(\"\")");
      continue;
    }
    EXPECT_TRUE(has_error(p.sink, "file with no instructions")) << "input: " << text << "\n" << messages(p.sink);
    EXPECT_TRUE(p.document.instructions.empty());
  }
}

TEST(ParseRobustness, ManyHeredocsOnOneLine) {
  std::string line = "FROM a\nRUN";
  for (int i = 0; i < 500; ++i) {
    line += " <<E" + std::to_string(i);
  }
  line += "\nbody\nE0\n";
  Parsed p = parse_text(line);
  EXPECT_TRUE(has_error(p.sink, "unterminated heredoc"));
  EXPECT_EQ(p.document.instructions.at(1).heredocs.size(), 2u);
}

// Random inputs from an alphabet that hits every part of the parser: no
// crash, no exception, and the outputs are well-formed.
TEST(ParseRobustness, RandomInputsDoNotCrash) {
  std::vector<std::string> pieces = {
      "FROM ", "RUN ", "COPY ", "ENV ", "LABEL ", "ARG ", "ONBUILD ", "HEALTHCHECK ", "CMD ", "frobnicate ",
      "--mount=", "--", "\"", "'", "\\", "`", "[", "]", "{", "}", ",", ":", "=", "<<", "<<-", "EOF", "3<<",
      "\n", "\r\n", " ", "\t", "#", "# escape=`\n", "$", "${", "}", "\xff", "\xc3\xa9", "\xc2\xa0", "1e999",
      "\"a\"", "null", "x"};
  pieces.push_back(std::string(1, '\0'));
  std::mt19937 random(20240601);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int length = static_cast<int>(random() % 60);
    for (int i = 0; i < length; ++i) {
      text += pieces[random() % pieces.size()];
    }
    Parsed p = parse_text(text);
    check_instructions(p.document, p.sink);
    const std::string dumped = dump(p.document);
    const std::string json = ast_to_json(p.document);
    ASSERT_FALSE(json.empty());
    for (const auto& d : p.sink.diagnostics()) {
      ASSERT_FALSE(d.message.empty());
      if (d.where.known()) {
        ASSERT_LE(d.where.begin.offset, p.document.file.text.size());
        ASSERT_LE(d.where.end.offset, p.document.file.text.size());
        ASSERT_FALSE(support::render(d, p.document.file).empty());
      }
    }
    for (const Instruction& instruction : p.document.instructions) {
      ASSERT_LE(instruction.where.begin.offset, instruction.where.end.offset);
      ASSERT_LE(instruction.where.end.offset, p.document.file.text.size());
    }
  }
}

} // namespace
} // namespace distill::frontend::test
