// `distill lint` run as a program: every format against its golden output
// (tests/testdata/lint/sample.*.golden, checked by hand), exit statuses,
// --ignore, standard input.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

const fs::path k_data = fs::path(DISTILL_SOURCE_DIR) / "tests" / "testdata" / "lint";

struct LintRun {
  int status = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `distill lint ARGS` in the test data folder (so file names are relative).
LintRun lint(const std::string& args) {
  const fs::path out = fs::temp_directory_path() / ("distill-lint-cli-" + std::to_string(::getpid()) + ".out");
  const fs::path err = fs::temp_directory_path() / ("distill-lint-cli-" + std::to_string(::getpid()) + ".err");
  const std::string command = "cd '" + k_data.string() + "' && '" DISTILL_BINARY "' lint " + args + " >'" +
                              out.string() + "' 2>'" + err.string() + "'";
  const int raw = std::system(command.c_str());
  LintRun result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.out = slurp(out);
  result.err = slurp(err);
  fs::remove(out);
  fs::remove(err);
  return result;
}

class LintFormats : public testing::TestWithParam<std::string> {};

TEST_P(LintFormats, MatchesGolden) {
  const LintRun run = lint("--format " + GetParam() + " sample.Dockerfile");
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_EQ(run.out, slurp(k_data / ("sample." + GetParam() + ".golden")));
}

INSTANTIATE_TEST_SUITE_P(All, LintFormats, testing::Values("tty", "json", "sarif", "checkstyle", "gnu"));

TEST(LintCli, SarifHasTheShapeCodeScanningReads) {
  const auto sarif = nlohmann::json::parse(lint("--format sarif sample.Dockerfile").out);
  EXPECT_EQ(sarif["version"], "2.1.0");
  ASSERT_TRUE(sarif.contains("$schema"));
  const auto& run = sarif["runs"][0];
  ASSERT_FALSE(run["tool"]["driver"]["rules"].empty());
  for (const auto& result : run["results"]) {
    const int index = result["ruleIndex"];
    EXPECT_EQ(run["tool"]["driver"]["rules"][index]["id"], result["ruleId"]);
    EXPECT_GE(result["locations"][0]["physicalLocation"]["region"]["startLine"].get<int>(), 1);
  }
}

TEST(LintCli, ExitStatusFollowsTheThreshold) {
  EXPECT_EQ(lint("sample.Dockerfile").status, 1);
  EXPECT_EQ(lint("-t error sample.Dockerfile").status, 0);
  EXPECT_EQ(lint("--failure-threshold none sample.Dockerfile").status, 0);
  EXPECT_EQ(lint("-t bogus sample.Dockerfile").status, 2);
  EXPECT_EQ(lint("--format xml sample.Dockerfile").status, 2);
  EXPECT_EQ(lint("").status, 2);
  const LintRun missing = lint("no-such.Dockerfile");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("no-such.Dockerfile"), std::string::npos);
}

TEST(LintCli, IgnoreTakesIdsAndAliasesAndUnknownIds) {
  const LintRun run = lint("--format gnu --ignore DL3007 --ignore base-image-no-digest --ignore SC2086 sample.Dockerfile");
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.out.find("[base-image-latest]"), std::string::npos);
  EXPECT_EQ(run.out.find("[base-image-no-digest]"), std::string::npos);
  EXPECT_NE(run.out.find("[apt-unpinned]"), std::string::npos);
}

TEST(LintCli, ReadsStandardInput) {
  const LintRun run = lint("--format gnu - < clean.Dockerfile");
  EXPECT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_EQ(run.out, "");
}

} // namespace
