// Every parser case of shared/conformance/buildkit-parser, one test each.

#include "parse_ast_json.hpp"
#include "parse_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

namespace distill::frontend::test {
namespace {

// ---- Upstream testfiles/: the dump must equal `result` byte for byte.
class BuildKitTestfiles : public testing::TestWithParam<Case> {};

TEST_P(BuildKitTestfiles, DumpEqualsResult) {
  DISTILL_SKIP_IF_MISSING(GetParam());
  Parsed parsed = parse_text(read_text(GetParam().path / "Dockerfile"));
  EXPECT_FALSE(parsed.sink.has_errors()) << messages(parsed.sink);
  EXPECT_EQ(dump(parsed.document) + "\n", read_text(GetParam().path / "result"));
}

INSTANTIATE_TEST_SUITE_P(Upstream, BuildKitTestfiles,
                         testing::ValuesIn(list_cases(conformance_dir() / "testfiles", true)), case_name);

// ---- Upstream testfiles-negative/: parsing must fail, with BuildKit's
// message where the README records it.
class BuildKitNegative : public testing::TestWithParam<Case> {};

TEST_P(BuildKitNegative, Fails) {
  DISTILL_SKIP_IF_MISSING(GetParam());
  static const std::map<std::string, std::string> k_messages = {
      {"empty_dockerfile", "file with no instructions"},
      {"only_comments", "file with no instructions"},
      {"env_no_value", "ENV must have two arguments"},
      {"shykes_nested_json", "when using JSON array syntax, arrays must be comprised of strings only"},
  };
  Parsed parsed = parse_text(read_text(GetParam().path / "Dockerfile"));
  ASSERT_TRUE(parsed.sink.has_errors());
  if (auto it = k_messages.find(GetParam().name); it != k_messages.end()) {
    EXPECT_TRUE(has_error(parsed.sink, it->second)) << messages(parsed.sink);
  }
}

INSTANTIATE_TEST_SUITE_P(Upstream, BuildKitNegative,
                         testing::ValuesIn(list_cases(conformance_dir() / "testfiles-negative", true)), case_name);

// ---- extra/testfiles/: dump, plus line spans, heredocs, comments, warnings.
class ExtraTestfiles : public testing::TestWithParam<Case> {};

TEST_P(ExtraTestfiles, DumpAndAstJson) {
  DISTILL_SKIP_IF_MISSING(GetParam());
  Parsed parsed = parse_text(read_text(GetParam().path / "Dockerfile"));
  EXPECT_FALSE(parsed.sink.has_errors()) << messages(parsed.sink);
  EXPECT_EQ(dump(parsed.document) + "\n", read_text(GetParam().path / "result"));
  const auto json = nlohmann::json::parse(read_text(GetParam().path / "ast.json"));
  expect_matches_ast_json(parsed.document, parsed.sink, json);
}

INSTANTIATE_TEST_SUITE_P(Extra, ExtraTestfiles,
                         testing::ValuesIn(list_cases(conformance_dir() / "extra" / "testfiles", true)), case_name);

// ---- extra/testfiles-negative/: BuildKit's exact message. (`error-line` is
// not compared: BuildKit's line is sometimes 0-based; ours is exact.)
class ExtraNegative : public testing::TestWithParam<Case> {};

TEST_P(ExtraNegative, FailsWithBuildKitMessage) {
  DISTILL_SKIP_IF_MISSING(GetParam());
  Parsed parsed = parse_text(read_text(GetParam().path / "Dockerfile"));
  std::string message = read_text(GetParam().path / "error");
  while (!message.empty() && message.back() == '\n') {
    message.pop_back();
  }
  ASSERT_TRUE(parsed.sink.has_errors());
  EXPECT_TRUE(has_error(parsed.sink, message)) << "want: " << message << "\ngot:\n" << messages(parsed.sink);
}

INSTANTIATE_TEST_SUITE_P(Extra, ExtraNegative,
                         testing::ValuesIn(list_cases(conformance_dir() / "extra" / "testfiles-negative", true)),
                         case_name);

// ---- testfile-line/: the line span of every instruction.
TEST(BuildKitTestfileLine, InstructionLineSpans) {
  const auto expected_path = conformance_dir() / "extra" / "testfile-line-expected-lines";
  if (!std::filesystem::exists(expected_path)) {
    GTEST_SKIP() << "shared test data not found at " << expected_path;
  }
  Parsed parsed = parse_text(read_text(conformance_dir() / "testfile-line" / "Dockerfile"));
  ASSERT_FALSE(parsed.sink.has_errors()) << messages(parsed.sink);
  std::istringstream lines(read_text(expected_path));
  std::string line;
  std::vector<std::pair<int, int>> spans;
  std::pair<int, int> root{0, 0};
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::istringstream fields(line);
    if (line.rfind("root", 0) == 0) {
      std::string word;
      fields >> word >> root.first >> root.second;
    } else {
      std::pair<int, int> span;
      fields >> span.first >> span.second;
      spans.push_back(span);
    }
  }
  const auto& instructions = parsed.document.instructions;
  ASSERT_EQ(instructions.size(), spans.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    EXPECT_EQ(instructions[i].where.begin.line, spans[i].first) << "instruction " << i;
    EXPECT_EQ(instructions[i].where.end.line, spans[i].second) << "instruction " << i;
  }
  EXPECT_EQ(instructions.front().where.begin.line, root.first);
  EXPECT_EQ(instructions.back().where.end.line, root.second);
}

} // namespace
} // namespace distill::frontend::test
