// Lints every real-world Dockerfile of the shared corpus: no crash, every
// finding has a known rule and a range inside the file.

#include "planner/lint/lint.hpp"
#include "planner/lint/rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace distill::planner::lint {
namespace {

namespace fs = std::filesystem;

TEST(LintCorpus, LintsAllRealDockerfiles) {
  const fs::path dir = fs::path(DISTILL_SOURCE_DIR "/../shared") / "corpus" / "real";
  if (!fs::is_directory(dir)) GTEST_SKIP() << "shared corpus absent: " << dir;
  int files = 0;
  int findings = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    // Every file is a Dockerfile (named after its repository path) but the index.
    const std::string extension = entry.path().extension().string();
    if (!entry.is_regular_file() || extension == ".tsv" || extension == ".md") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const support::SourceFile file{entry.path().filename().string(), text.str()};
    const int lines = static_cast<int>(std::ranges::count(file.text, '\n')) + 1;
    for (const support::Diagnostic& finding : lint(file, {})) {
      ++findings;
      EXPECT_NE(find_rule(finding.kind), nullptr) << file.name << ": " << finding.kind;
      if (finding.where.known()) {
        EXPECT_LE(finding.where.begin.line, lines) << file.name << ": " << finding.kind;
        EXPECT_LE(finding.where.begin.line, finding.where.end.line) << file.name << ": " << finding.kind;
      }
    }
    ++files;
  }
  EXPECT_GT(files, 0);
  EXPECT_GT(findings, files); // real files do have findings
  std::cout << "linted " << files << " files, " << findings << " findings\n";
}

} // namespace
} // namespace distill::planner::lint
