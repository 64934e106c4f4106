// `distill parse` run as a program: output, exit status, rendered errors.

#include "tests/cli/cli_test_support.hpp"

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

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

using distill::cli_test::slurp;

class ParseCli : public testing::Test {
protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("distill-parse-cli-" + std::to_string(::getpid()) + "-" +
                                         testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = m_dir / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // Runs the binary in the test directory with `args` (already shell-quoted).
  Outcome run(const std::string& args) {
    const std::string command = "cd '" + m_dir.string() + "' && '" DISTILL_BINARY "' parse " + args + " >'" +
                                (m_dir / "out").string() + "' 2>'" + (m_dir / "err").string() + "'";
    const int raw = std::system(command.c_str());
    Outcome result;
    result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    result.out = slurp(m_dir / "out");
    result.err = slurp(m_dir / "err");
    return result;
  }

  fs::path m_dir;
};

TEST_F(ParseCli, DumpsTheDockerfileInThePath) {
  write("Dockerfile", "FROM debian:bookworm AS build\nRUN --mount=type=cache,target=/var/cache/apt apt-get update\n"
                      "COPY --from=build [\"/out\", \"/usr/local/bin/\"]\n");
  const Outcome result = run("--dump .");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, "(from \"debian:bookworm\" \"AS\" \"build\")\n"
                        "(run [\"--mount=type=cache,target=/var/cache/apt\"] \"apt-get update\")\n"
                        "(copy [\"--from=build\"] \"/out\" \"/usr/local/bin/\")\n");
  EXPECT_EQ(result.err, "");
}

TEST_F(ParseCli, ReportsErrorsLikeACompiler) {
  write("app.Dockerfile", "FROM debian\nRUNN apt-get update\n");
  const Outcome result = run("-f app.Dockerfile --dump");
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "app.Dockerfile:2:1: error: unknown instruction: RUNN (did you mean RUN?) [unknown-instruction]\n"
                        "    2 | RUNN apt-get update\n"
                        "      | ^~~~\n");
}

TEST_F(ParseCli, JsonCarriesRangesAndOptions) {
  write("Dockerfile", "FROM alpine AS base\nENV A=1\n");
  const Outcome result = run("--json --build-arg X=1 --target base");
  ASSERT_EQ(result.status, 0) << result.err;
  const auto json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["instructions"][1]["command"], "env");
  EXPECT_EQ(json["instructions"][1]["range"]["start"]["line"], 2);
  EXPECT_EQ(json["options"]["build_args"]["X"], "1");
  EXPECT_EQ(json["options"]["target"], "base");
}

TEST_F(ParseCli, UnknownTarget) {
  write("Dockerfile", "FROM alpine AS builder\nFROM alpine\n");
  const Outcome result = run("--target buildr");
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("error: target stage \"buildr\" could not be found (did you mean builder?)"),
            std::string::npos)
      << result.err;
}

TEST_F(ParseCli, UsageErrorsExitTwo) {
  write("Dockerfile", "FROM alpine\n");
  EXPECT_EQ(run("--json --dump").status, 2);
  EXPECT_EQ(run("--no-such-option").status, 2);
  EXPECT_EQ(run("a b").status, 2);
  EXPECT_EQ(run("--build-arg =x").status, 2);
  const Outcome help = run("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("usage: distill parse"), std::string::npos);
}

TEST_F(ParseCli, MissingFileIsAnError) {
  const Outcome result = run("-f nope/Dockerfile");
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("cannot read nope/Dockerfile"), std::string::npos) << result.err;
}

TEST_F(ParseCli, ReadsStandardInput) {
  write("in", "from scratch\n");
  const Outcome result = run("-f - < in");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, "(from \"scratch\")\n");
}

TEST_F(ParseCli, ParsesTheExamples) {
  for (const char* example : {"debian-service", "multi-stage", "heredoc-mount"}) {
    const fs::path dir = fs::path(DISTILL_SOURCE_DIR) / "examples" / example;
    const Outcome result = run("'" + dir.string() + "'");
    EXPECT_EQ(result.status, 0) << example << ": " << result.err;
    EXPECT_EQ(result.err, "") << example;
    EXPECT_NE(result.out.find("(from "), std::string::npos) << example;
  }
}

} // namespace
