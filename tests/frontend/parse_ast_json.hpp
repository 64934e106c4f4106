#pragma once

// Checks a parsed document against BuildKit's facts in an `ast.json` (extra
// conformance cases) or a corpus `<file>.json`: escape token, line span of
// every instruction, heredoc bodies, doc comments and parser warnings.

#include "frontend/ast_dump.hpp"
#include "frontend/parse.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace distill::frontend::test {

// `warnings_recorded`: the file lists parser warnings (the corpus files do not).
inline void expect_matches_ast_json(const Document& document, const support::DiagnosticSink& sink,
                                    const nlohmann::json& expected, bool warnings_recorded = true) {
  if (expected.contains("escape_token")) {
    EXPECT_EQ(std::string(1, document.escape), expected["escape_token"].get<std::string>());
  }
  const auto& instructions = expected["instructions"];
  ASSERT_EQ(document.instructions.size(), instructions.size());
  for (std::size_t i = 0; i < instructions.size(); ++i) {
    const Instruction& got = document.instructions[i];
    const auto& want = instructions[i];
    SCOPED_TRACE("instruction " + std::to_string(i) + ": " + want["dump"].get<std::string>());
    EXPECT_EQ(dump(got), want["dump"].get<std::string>());
    EXPECT_EQ(got.where.begin.line, want["start_line"].get<int>());
    EXPECT_EQ(got.where.end.line, want["end_line"].get<int>());

    std::vector<std::string> comments;
    if (want.contains("prev_comments")) {
      comments = want["prev_comments"].get<std::vector<std::string>>();
    }
    EXPECT_EQ(got.comments, comments);

    const auto heredocs = want.contains("heredocs") ? want["heredocs"] : nlohmann::json::array();
    ASSERT_EQ(got.heredocs.size(), heredocs.size());
    for (std::size_t h = 0; h < heredocs.size(); ++h) {
      const Heredoc& doc = got.heredocs[h];
      EXPECT_EQ(doc.name, heredocs[h]["name"].get<std::string>());
      // BuildKit has 0 for "no fd prefix"; the AST has -1.
      EXPECT_EQ(doc.fd < 0 ? 0 : doc.fd, heredocs[h]["fd"].get<int>());
      EXPECT_EQ(doc.expand, heredocs[h]["expand"].get<bool>());
      EXPECT_EQ(doc.chomp, heredocs[h]["chomp"].get<bool>());
      EXPECT_EQ(doc.content, heredocs[h]["content"].get<std::string>());
    }
  }
  if (!warnings_recorded) {
    return;
  }
  std::vector<std::string> warnings;
  for (const auto& d : sink.diagnostics()) {
    if (d.severity == support::Severity::warning) {
      warnings.push_back(d.message);
    }
  }
  std::vector<std::string> expected_warnings;
  if (expected.contains("warnings")) {
    expected_warnings = expected["warnings"].get<std::vector<std::string>>();
  }
  EXPECT_EQ(warnings, expected_warnings);
}

} // namespace distill::frontend::test
