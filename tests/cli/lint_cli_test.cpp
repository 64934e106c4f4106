// `distill lint` run as a program: every format against its golden output
// (tests/testdata/lint/sample.*.golden, checked by hand), exit statuses,
// --ignore, standard input, the build context's .dockerignore.

#include "tests/cli/cli_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
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

using distill::cli_test::slurp;

// Runs `distill lint ARGS` in the test data folder or `dir` below it (so file names are relative).
LintRun lint(const std::string& args, const std::string& dir = ".") {
  const fs::path out = fs::temp_directory_path() / ("distill-lint-cli-" + std::to_string(::getpid()) + ".out");
  const fs::path err = fs::temp_directory_path() / ("distill-lint-cli-" + std::to_string(::getpid()) + ".err");
  const std::string command = "cd '" + (k_data / dir).string() + "' && '" DISTILL_BINARY "' lint " + args + " >'" +
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

// The rule ids and severities of a JSON report.
std::map<std::string, std::string> severities(const LintRun& run) {
  std::map<std::string, std::string> out;
  const nlohmann::json report = nlohmann::json::parse(run.out); // kept alive for the loop
  for (const auto& finding : report["findings"]) out[finding["rule"]] = finding["severity"];
  return out;
}

TEST(LintConfig, DistillFileIsFoundUpwardToTheRepositoryRoot) {
  for (const char* dir : {"config/discover", "config/discover/sub"}) {
    const LintRun run = lint("--format json Dockerfile", dir);
    // failure-threshold: error, and only warnings are left; the .hadolint.yaml beside it (style) is not read.
    EXPECT_EQ(run.status, 0) << dir << run.err;
    const auto found = severities(run);
    EXPECT_FALSE(found.contains("base-image-latest")) << dir;
    EXPECT_TRUE(found.contains("apt-unpinned")) << dir;
  }
}

TEST(LintConfig, CommandLineWinsOverTheFile) {
  EXPECT_EQ(lint("-t warning Dockerfile", "config/discover").status, 1);
  EXPECT_EQ(lint("--config ../precedence.yaml Dockerfile", "config/hadolint").status, 1); // DL3007 is an error there
  EXPECT_EQ(lint("--config ../precedence.yaml -t none Dockerfile", "config/hadolint").status, 0);
  const LintRun relevelled = lint("--config precedence.yaml --format json --info DL3007 Dockerfile", "config");
  EXPECT_EQ(severities(relevelled)["base-image-latest"], "info");
  EXPECT_EQ(relevelled.status, 0) << relevelled.out;
  const LintRun ignored = lint("--config precedence.yaml --format json --ignore apt-unpinned Dockerfile", "config");
  EXPECT_FALSE(severities(ignored).contains("apt-unpinned"));
  EXPECT_EQ(severities(ignored)["base-image-latest"], "error");
}

TEST(LintConfig, HadolintFileKeysAreRead) {
  const LintRun run = lint("--format json Dockerfile", "config/hadolint");
  EXPECT_EQ(run.status, 1) << run.err;
  const auto found = severities(run);
  EXPECT_EQ(found.at("base-image-latest"), "error");      // override.error
  EXPECT_FALSE(found.contains("apt-unpinned"));           // ignored
  EXPECT_EQ(found.at("untrusted-registry"), "error");     // trustedRegistries turns DL3026 on
  EXPECT_EQ(severities(lint("--format json --warning DL3007 Dockerfile", "config/hadolint"))["base-image-latest"],
            "warning");
  // failure-threshold: warning; only info findings left after ignoring the rest.
  EXPECT_EQ(lint("--ignore DL3007 --ignore DL3026 --ignore apt-lists-left Dockerfile", "config/hadolint").status, 0);
  EXPECT_FALSE(severities(lint("--format json --trusted-registry '*' Dockerfile", "config/hadolint"))
                   .contains("untrusted-registry"));
}

TEST(LintConfig, BadFilesStopWithFileLineAndStatus2) {
  const LintRun bad = lint("--config bad.yaml Dockerfile", "config");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("bad.yaml:3:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("invalid YAML"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.out, "");
  const LintRun key = lint("--config unknown-key.yaml Dockerfile", "config");
  EXPECT_EQ(key.status, 2);
  EXPECT_NE(key.err.find("unknown-key.yaml:2:"), std::string::npos) << key.err;
  EXPECT_NE(key.err.find("unknown key 'ignore'"), std::string::npos) << key.err;
  const LintRun severity = lint("--config bad-severity.yaml Dockerfile", "config");
  EXPECT_EQ(severity.status, 2);
  EXPECT_NE(severity.err.find("bad-severity.yaml:2:3: unknown severity 'fatal'"), std::string::npos) << severity.err;
  const LintRun missing = lint("--config no-such.yaml Dockerfile", "config");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("no-such.yaml"), std::string::npos) << missing.err;
}

// The CopyIgnoredFile sources a gnu report names, in order.
std::string ignored_sources(const LintRun& run) {
  std::string out;
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("[CopyIgnoredFile]") == std::string::npos) continue;
    const std::size_t open = line.find('"');
    out += line.substr(open, line.find('"', open + 1) - open + 1) + " ";
  }
  return out;
}

TEST(LintCli, ContextIgnoreFileIsTheDockerfilesFolderOrContext) {
  const LintRun own = lint("--format gnu Dockerfile", "context");
  EXPECT_EQ(own.status, 1) << own.err;
  EXPECT_EQ(ignored_sources(own), "\"node_modules\" ") << own.out;
  // <Dockerfile>.dockerignore wins over the context's .dockerignore.
  EXPECT_EQ(ignored_sources(lint("--format gnu app.Dockerfile", "context")), "\"build.log\" ");
  // sub/ has no ignore file; --context names the folder that has one.
  EXPECT_EQ(ignored_sources(lint("--format gnu sub/Dockerfile", "context")), "");
  EXPECT_EQ(ignored_sources(lint("--format gnu --context . sub/Dockerfile", "context")), "\"node_modules\" ");
  // Standard input has a context only when --context names it.
  EXPECT_EQ(ignored_sources(lint("--format gnu - < Dockerfile", "context")), "");
  EXPECT_EQ(ignored_sources(lint("--format gnu --context . - < Dockerfile", "context")), "\"node_modules\" ");
  const LintRun bad = lint("--format gnu Dockerfile", "context/bad");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find(".dockerignore"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("syntax error in pattern"), std::string::npos) << bad.err;
}

TEST(LintCli, ReadsStandardInput) {
  const LintRun run = lint("--format gnu - < clean.Dockerfile");
  EXPECT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_EQ(run.out, "");
}

} // namespace
