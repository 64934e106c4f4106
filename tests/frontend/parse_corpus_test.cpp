// The real-world Dockerfiles of shared/corpus: each must parse without error,
// dump exactly as BuildKit's parser does (expected/<file>.dump), and give the
// instruction line spans, heredoc bodies and doc comments of expected/<file>.json.

#include "parse_ast_json.hpp"
#include "parse_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace distill::frontend::test {
namespace {

std::vector<Case> corpus_cases() {
  std::vector<Case> cases = list_cases(corpus_dir() / "real", false);
  std::erase_if(cases, [](const Case& c) { return c.path.filename() == "INDEX.tsv"; });
  return cases;
}

class Corpus : public testing::TestWithParam<Case> {};

TEST_P(Corpus, MatchesBuildKit) {
  DISTILL_SKIP_IF_MISSING(GetParam());
  const std::string file = GetParam().path.filename().string();
  const auto expected = corpus_dir() / "expected";
  Parsed parsed = parse_text(read_text(GetParam().path), file);
  EXPECT_FALSE(parsed.sink.has_errors()) << messages(parsed.sink);
  EXPECT_EQ(dump(parsed.document) + "\n", read_text(expected / (file + ".dump")));
  expect_matches_ast_json(parsed.document, parsed.sink, nlohmann::json::parse(read_text(expected / (file + ".json"))), false);
}

INSTANTIATE_TEST_SUITE_P(Real, Corpus, testing::ValuesIn(corpus_cases()), case_name);

} // namespace
} // namespace distill::frontend::test
