// Golden plans: every tests/testdata/planner/cases/<case>/Dockerfile and every
// examples/<name>/Dockerfile is planned and its text dump compared with the
// expectation next to it. DISTILL_UPDATE_GOLDEN=1 rewrites the expectations
// (review the diff: a golden file must be right, not just what the code prints).
//
// A case may have an `options` file, one per line: `target=NAME`,
// `build-arg=K=V`, `platform=OS/ARCH` (the target platform), `before` (the plan as lowered).

#include "planner/plan_dump.hpp"
#include "planner/planner.hpp"
#include "support/atomic_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace distill::planner {
namespace {

namespace fs = std::filesystem;

struct GoldenCase {
  std::string name;
  fs::path dockerfile;
  fs::path expected;
  fs::path options;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<GoldenCase> collect() {
  std::vector<GoldenCase> cases;
  const fs::path root(DISTILL_SOURCE_DIR);
  const fs::path data = root / "tests/testdata/planner";
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(data / "cases", error)) {
    if (fs::exists(entry.path() / "Dockerfile")) {
      cases.push_back({"case_" + entry.path().filename().string(), entry.path() / "Dockerfile",
                       entry.path() / "plan.expected", entry.path() / "options"});
    }
  }
  for (const auto& entry : fs::directory_iterator(root / "examples", error)) {
    if (fs::exists(entry.path() / "Dockerfile")) {
      const std::string name = entry.path().filename().string();
      cases.push_back({"example_" + name, entry.path() / "Dockerfile", data / "examples" / (name + ".plan.expected"),
                       data / "examples" / (name + ".options")});
    }
  }
  std::ranges::sort(cases, {}, &GoldenCase::name);
  return cases;
}

std::string plan_text(const GoldenCase& golden) {
  frontend::BuildOptions build;
  PlanOptions options;
  std::istringstream lines(fs::exists(golden.options) ? read_text(golden.options) : "");
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("target=")) {
      build.target = line.substr(7);
    } else if (line.starts_with("build-arg=")) {
      const std::string pair = line.substr(10);
      build.build_args.emplace_back(pair.substr(0, pair.find('=')), pair.substr(pair.find('=') + 1));
    } else if (line.starts_with("platform=")) {
      build.target_platform = line.substr(9);
    } else if (line == "before") {
      options.rewrite = false;
    }
  }
  const support::SourceFile file{"Dockerfile", read_text(golden.dockerfile)};
  support::DiagnosticSink sink;
  const std::optional<Plan> plan = plan_dockerfile(file, build, options, sink);
  std::string out;
  for (const support::Diagnostic& diagnostic : sink.diagnostics()) {
    out += support::render(diagnostic, file);
  }
  if (plan) {
    out += dump_plan(*plan);
  }
  return out;
}

class PlanGolden : public testing::TestWithParam<GoldenCase> {};

TEST_P(PlanGolden, MatchesExpectation) {
  const GoldenCase& golden = GetParam();
  const std::string actual = plan_text(golden);
  const char* update = std::getenv("DISTILL_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    fs::create_directories(golden.expected.parent_path());
    ASSERT_TRUE(support::write_file_atomic(golden.expected, actual)) << golden.expected;
    return;
  }
  ASSERT_TRUE(fs::exists(golden.expected)) << "missing " << golden.expected
                                           << " (run with DISTILL_UPDATE_GOLDEN=1 and review it)";
  EXPECT_EQ(actual, read_text(golden.expected)) << golden.dockerfile;
}

std::string golden_name(const testing::TestParamInfo<GoldenCase>& info) {
  std::string name = info.param.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Planner, PlanGolden, testing::ValuesIn(collect()), golden_name);

TEST(PlanGoldenSet, HasTheRealisticSnippets) {
  int cases = 0;
  for (const GoldenCase& golden : collect()) {
    cases += golden.name.starts_with("case_") ? 1 : 0;
  }
  EXPECT_GE(cases, 40);
}

} // namespace
} // namespace distill::planner
