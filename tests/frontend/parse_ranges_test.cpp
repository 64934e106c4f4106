// Source ranges on every node: instructions, keywords, flags, arguments,
// heredoc markers and bodies, the rest of the line, directives.

#include "parse_test_support.hpp"

#include <gtest/gtest.h>

namespace distill::frontend::test {
namespace {

using support::SourcePos;
using support::SourceRange;

SourceRange range(int line, int column, std::size_t offset, int end_line, int end_column, std::size_t end_offset) {
  return {{line, column, offset}, {end_line, end_column, end_offset}};
}

// The text a range covers.
std::string_view covered(const Parsed& parsed, const SourceRange& where) {
  return std::string_view(parsed.document.file.text).substr(where.begin.offset, where.end.offset - where.begin.offset);
}

TEST(ParseRanges, KeywordFlagsArgumentsAndRest) {
  Parsed p = parse_text("FROM alpine AS build\nRUN --mount=type=cache,target=/x --network=none echo hi\n");
  ASSERT_FALSE(p.sink.has_errors()) << messages(p.sink);
  const Instruction& run = p.document.instructions.at(1);
  EXPECT_EQ(run.where, range(2, 1, 21, 2, 56, 76));
  EXPECT_EQ(run.keyword_where, range(2, 1, 21, 2, 4, 24));
  ASSERT_EQ(run.flags.size(), 2u);
  EXPECT_EQ(covered(p, run.flags[0].where), "--mount=type=cache,target=/x");
  EXPECT_EQ(run.flags[0].name, "mount");
  EXPECT_EQ(run.flags[0].value, "type=cache,target=/x");
  EXPECT_EQ(covered(p, run.flags[1].where), "--network=none");
  EXPECT_EQ(covered(p, run.rest_where), "echo hi");
  ASSERT_EQ(run.args.size(), 1u);
  EXPECT_EQ(run.args[0].where, run.rest_where);

  const Instruction& from = p.document.instructions.at(0);
  ASSERT_EQ(from.args.size(), 3u);
  EXPECT_EQ(from.args[2].where, range(1, 16, 15, 1, 21, 20));
}

TEST(ParseRanges, FlagQuotesRemovedButRangeAsWritten) {
  Parsed p = parse_text("FROM a\nCOPY --chown=\"app user\" --link a b\n");
  const Instruction& copy = p.document.instructions.at(1);
  ASSERT_EQ(copy.flags.size(), 2u);
  EXPECT_EQ(copy.flags[0].text, "--chown=app user");
  EXPECT_EQ(covered(p, copy.flags[0].where), "--chown=\"app user\"");
  EXPECT_EQ(copy.flags[1].name, "link");
  EXPECT_FALSE(copy.flags[1].value.has_value());
}

TEST(ParseRanges, ContinuationSpansLines) {
  Parsed p = parse_text("FROM a\nRUN echo a \\\n    b \\\n# comment\n  c\n");
  const Instruction& run = p.document.instructions.at(1);
  ASSERT_EQ(run.args.size(), 1u);
  EXPECT_EQ(run.args[0].value, "echo a     b   c");
  EXPECT_EQ(run.args[0].where.begin, (SourcePos{2, 5, 11}));
  EXPECT_EQ(run.args[0].where.end, (SourcePos{5, 4, 41}));
  EXPECT_EQ(run.where.begin.line, 2);
  EXPECT_EQ(run.where.end, (SourcePos{5, 4, 41}));
}

TEST(ParseRanges, JsonElementsCoverTheirLiterals) {
  Parsed p = parse_text("FROM a\nCMD [ \"a\", \"b c\" ]\n");
  const Instruction& cmd = p.document.instructions.at(1);
  ASSERT_TRUE(cmd.json_form);
  ASSERT_EQ(cmd.args.size(), 2u);
  EXPECT_EQ(covered(p, cmd.args[0].where), "\"a\"");
  EXPECT_EQ(covered(p, cmd.args[1].where), "\"b c\"");
  EXPECT_EQ(cmd.args[1].value, "b c");
}

TEST(ParseRanges, KeyValueTriples) {
  Parsed p = parse_text("FROM a\nENV A=1 B=\"two words\"\nLABEL legacy some value\n");
  const Instruction& env = p.document.instructions.at(1);
  ASSERT_EQ(env.args.size(), 6u);
  EXPECT_EQ(covered(p, env.args[0].where), "A");
  EXPECT_EQ(covered(p, env.args[1].where), "1");
  EXPECT_EQ(covered(p, env.args[2].where), "=");
  EXPECT_EQ(covered(p, env.args[3].where), "B");
  EXPECT_EQ(covered(p, env.args[4].where), "\"two words\"");
  const Instruction& label = p.document.instructions.at(2);
  ASSERT_EQ(label.args.size(), 3u);
  EXPECT_EQ(covered(p, label.args[0].where), "legacy");
  EXPECT_EQ(covered(p, label.args[1].where), "some value");
  EXPECT_EQ(label.args[2].value, "");
}

TEST(ParseRanges, HeredocMarkerAndBody) {
  Parsed p = parse_text("FROM a\nRUN <<EOF cat\nhello\nworld\nEOF\nRUN echo next\n");
  ASSERT_FALSE(p.sink.has_errors()) << messages(p.sink);
  const Instruction& run = p.document.instructions.at(1);
  ASSERT_EQ(run.heredocs.size(), 1u);
  const Heredoc& doc = run.heredocs[0];
  EXPECT_EQ(covered(p, doc.where), "<<EOF");
  EXPECT_EQ(doc.body, range(3, 1, 21, 5, 4, 36));
  EXPECT_EQ(doc.content, "hello\nworld\n");
  EXPECT_EQ(run.where, range(2, 1, 7, 5, 4, 36));
  EXPECT_EQ(p.document.instructions.at(2).where.begin.line, 6);
}

TEST(ParseRanges, SpacedHeredocMarker) {
  Parsed p = parse_text("FROM a\nCOPY << EOF /dst\nx\nEOF\n");
  const Instruction& copy = p.document.instructions.at(1);
  ASSERT_EQ(copy.heredocs.size(), 1u);
  EXPECT_EQ(copy.heredocs[0].name, "EOF");
  EXPECT_EQ(covered(p, copy.heredocs[0].where), "<< EOF");
}

TEST(ParseRanges, CrlfEndsBeforeCarriageReturn) {
  Parsed p = parse_text("FROM a\r\nRUN x\r\n");
  const Instruction& run = p.document.instructions.at(1);
  EXPECT_EQ(run.where, range(2, 1, 8, 2, 6, 13));
  EXPECT_EQ(run.args.at(0).value, "x");
}

TEST(ParseRanges, ByteOrderMarkIsNotAColumn) {
  Parsed p = parse_text("\xEF\xBB\xBF" "FROM a\n");
  const Instruction& from = p.document.instructions.at(0);
  EXPECT_EQ(from.keyword_where, range(1, 1, 3, 1, 5, 7));
}

TEST(ParseRanges, OnbuildTrigger) {
  Parsed p = parse_text("FROM a\nONBUILD RUN --network=none echo hi\n");
  const Instruction& onbuild = p.document.instructions.at(1);
  ASSERT_TRUE(onbuild.onbuild);
  const Instruction& trigger = *onbuild.onbuild;
  EXPECT_EQ(trigger.command, "run");
  EXPECT_EQ(covered(p, trigger.keyword_where), "RUN");
  EXPECT_EQ(covered(p, trigger.flags.at(0).where), "--network=none");
  EXPECT_EQ(covered(p, trigger.args.at(0).where), "echo hi");
  EXPECT_EQ(trigger.where.begin, trigger.keyword_where.begin);
  EXPECT_EQ(trigger.where.end, onbuild.where.end);
  EXPECT_EQ(covered(p, onbuild.rest_where), "RUN --network=none echo hi");
}

TEST(ParseRanges, DirectivesAndEscape) {
  Parsed p = parse_text("# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN echo a `\n  b\n");
  ASSERT_EQ(p.document.directives.size(), 2u);
  EXPECT_EQ(p.document.directives[0].name, "syntax");
  EXPECT_EQ(p.document.directives[0].value, "docker/dockerfile:1");
  EXPECT_EQ(p.document.directives[1].where, range(2, 1, 29, 2, 11, 39));
  EXPECT_EQ(p.document.escape, '`');
  EXPECT_EQ(p.document.instructions.at(1).args.at(0).value, "echo a   b");
}

TEST(ParseRanges, DocComments) {
  Parsed p = parse_text("# syntax=docker/dockerfile:1\n# base image\n\n#   tuned\nFROM a AS b\n#\n# only this\nRUN x\n");
  EXPECT_EQ(p.document.instructions.at(0).comments, (std::vector<std::string>{"base image", "tuned"}));
  EXPECT_EQ(p.document.instructions.at(1).comments, (std::vector<std::string>{"only this"}));
}

TEST(ParseRanges, EmptyContinuationWarningOnLastLine) {
  Parsed p = parse_text("FROM a\nRUN a \\\n\n  b\n");
  ASSERT_EQ(p.sink.diagnostics().size(), 1u);
  const auto& warning = p.sink.diagnostics()[0];
  EXPECT_EQ(warning.severity, support::Severity::warning);
  EXPECT_EQ(warning.message, "Empty continuation line found in: RUN a   b");
  EXPECT_EQ(warning.where.begin.line, 4);
}

} // namespace
} // namespace distill::frontend::test
