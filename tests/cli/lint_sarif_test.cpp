// `distill lint --format sarif` validated against the official SARIF 2.1.0
// JSON schema (2.1.0-rtm.5, the OASIS standard's final schema). The schema is
// not kept in this repository: at test time it is taken from an npm package
// that ships it (@microsoft/jest-sarif, lib/schemas/sarif-2.1.0-rtm.5.json)
// into the build folder and checked against a pinned sha256. The test skips
// with a message when npm cannot fetch it or python3-jsonschema is missing.

#include "support/sha256.hpp"

#include "tests/cli/cli_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace {

namespace fs = std::filesystem;

const fs::path k_data = fs::path(DISTILL_SOURCE_DIR) / "tests" / "testdata" / "lint";
const fs::path k_work = fs::path(DISTILL_BINARY).parent_path().parent_path() / "lint-sarif-schema";
constexpr const char* k_package = "@microsoft/jest-sarif@1.0.0-beta.0";
constexpr const char* k_tarball = "microsoft-jest-sarif-1.0.0-beta.0.tgz";
constexpr const char* k_member = "package/lib/schemas/sarif-2.1.0-rtm.5.json";
constexpr const char* k_schema_sha256 = "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8";

using distill::cli_test::slurp;

int run(const std::string& command) {
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

// The schema's path, fetched once per build folder; empty (with `why`) when it cannot be had.
fs::path schema(std::string& why) {
  const fs::path path = k_work / "sarif-2.1.0-rtm.5.json";
  if (fs::exists(path) && distill::support::sha256_hex(slurp(path)) == k_schema_sha256) return path;
  fs::create_directories(k_work);
  const std::string fetch = "cd '" + k_work.string() + "' && timeout 120 npm pack --silent " + k_package +
                            " >npm.log 2>&1 && tar -xzf " + k_tarball + " -O " + k_member + " >schema.tmp";
  if (run(fetch) != 0) {
    why = "cannot fetch the SARIF schema with npm (" + slurp(k_work / "npm.log") + ")";
    return {};
  }
  if (const std::string digest = distill::support::sha256_hex(slurp(k_work / "schema.tmp")); digest != k_schema_sha256) {
    ADD_FAILURE() << "the SARIF schema from " << k_package << " has sha256 " << digest << ", expected " << k_schema_sha256;
    return {};
  }
  fs::rename(k_work / "schema.tmp", path);
  return path;
}

// Runs the validator on `files`; 0 valid, 1 invalid, 3 no jsonschema module.
int validate(const fs::path& schema_path, const std::string& files, std::string& errors) {
  const fs::path log = k_work / "validate.log";
  const int status = run("python3 '" DISTILL_SOURCE_DIR "/tests/cli/lint_sarif_validate.py' '" + schema_path.string() +
                         "' " + files + " 2>'" + log.string() + "'");
  errors = slurp(log);
  return status;
}

TEST(LintSarif, OutputValidatesAgainstTheSarif210Schema) {
  std::string why;
  const fs::path schema_path = schema(why);
  if (schema_path.empty()) GTEST_SKIP() << why;
  std::string files;
  // The golden sample, a clean file (no results) and one with many rules and config-only rules.
  for (const char* input : {"sample.Dockerfile", "clean.Dockerfile", "many-rules.Dockerfile"}) {
    const fs::path out = k_work / (std::string(input) + ".sarif");
    const int status = run("cd '" + k_data.string() + "' && '" DISTILL_BINARY
                           "' lint --format sarif --trusted-registry registry.example.com " + input + " >'" +
                           out.string() + "'");
    ASSERT_NE(status, 2) << input;
    files += " '" + out.string() + "'";
  }
  std::string errors;
  const int status = validate(schema_path, files, errors);
  if (status == 3) GTEST_SKIP() << errors;
  EXPECT_EQ(status, 0) << errors;
}

// The validator can fail: a log with a wrong version and a result without a message is rejected.
TEST(LintSarif, ValidatorRejectsAnInvalidLog) {
  std::string why;
  const fs::path schema_path = schema(why);
  if (schema_path.empty()) GTEST_SKIP() << why;
  const fs::path bad = k_work / "invalid.sarif";
  std::ofstream(bad) << R"({"version": "2.0.0", "runs": [{"tool": {"driver": {"name": "distill"}},)"
                        R"( "results": [{"ruleId": "x"}]}]})";
  std::string errors;
  const int status = validate(schema_path, "'" + bad.string() + "'", errors);
  if (status == 3) GTEST_SKIP() << errors;
  EXPECT_EQ(status, 1);
  EXPECT_NE(errors.find("version"), std::string::npos) << errors;
  EXPECT_NE(errors.find("message"), std::string::npos) << errors;
}

} // namespace
