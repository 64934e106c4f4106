// support::run_program: stdin written while stdout and stderr are read, and a
// deadline that kills the child.

#include "support/run_program.hpp"

#include <chrono>

#include <gtest/gtest.h>

namespace distill::support {
namespace {

using Clock = std::chrono::steady_clock;

TEST(RunProgram, PassesInputAndCollectsOutputAndExitCode) {
  ProgramOptions options;
  options.input = "hello\n";
  auto cat = run_program({"sh", "-c", "cat; echo oops >&2; exit 3"}, options);
  ASSERT_TRUE(cat.has_value()) << cat.error().message;
  EXPECT_EQ(cat->out, "hello\n");
  EXPECT_EQ(cat->err, "oops\n");
  EXPECT_EQ(cat->exit_code, 3);

  auto locale = run_program({"sh", "-c", "echo $LC_ALL"});
  ASSERT_TRUE(locale.has_value());
  EXPECT_EQ(locale->out, "C\n");

  auto missing = run_program({"distill-no-such-program"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("cannot run distill-no-such-program"), std::string::npos);
}

TEST(RunProgram, AChildPrintingMegabytesBeforeItReadsStdinDoesNotDeadlock) {
  // Both outputs overflow their pipes before the child reads a byte of an
  // input that overflows its own: written first and read after, this hangs.
  ProgramOptions options;
  options.input = std::string(3 << 20, 'i');
  options.timeout = std::chrono::seconds(60);
  auto run = run_program({"sh", "-c",
                          "head -c 4000000 /dev/zero | tr '\\0' o; head -c 2000000 /dev/zero | tr '\\0' e >&2; "
                          "wc -c"},
                         options);
  ASSERT_TRUE(run.has_value()) << run.error().message;
  EXPECT_EQ(run->exit_code, 0);
  ASSERT_EQ(run->out.size(), 4000000u + std::to_string(3 << 20).size() + 1);
  EXPECT_EQ(run->out.substr(4000000), std::to_string(3 << 20) + "\n");
  EXPECT_EQ(run->err, std::string(2000000, 'e'));
}

TEST(RunProgram, AChildThatStopsReadingEndsTheInputWithoutKillingUs) {
  // A SIGPIPE here would end the test process.
  ProgramOptions options;
  options.input = std::string(1 << 20, 'i');
  auto run = run_program({"sh", "-c", "head -c 10 >/dev/null; echo read"}, options);
  ASSERT_TRUE(run.has_value()) << run.error().message;
  EXPECT_EQ(run->out, "read\n");
  EXPECT_EQ(run->exit_code, 0);
}

TEST(RunProgram, AChildThatNeverExitsIsKilledAtTheDeadline) {
  ProgramOptions options;
  options.timeout = std::chrono::milliseconds(300);
  const auto start = Clock::now();
  auto run = run_program({"sh", "-c", "while :; do sleep 1; done"}, options);
  const auto took = Clock::now() - start;
  ASSERT_FALSE(run.has_value());
  EXPECT_NE(run.error().message.find("sh did not finish within 0.3 s and was killed"), std::string::npos)
      << run.error().message;
  EXPECT_LT(took, std::chrono::seconds(5));

  // Also when it closed its outputs and went on.
  const auto quiet_start = Clock::now();
  auto quiet = run_program({"sh", "-c", "exec >&- 2>&- <&-; while :; do sleep 1; done"}, options);
  ASSERT_FALSE(quiet.has_value());
  EXPECT_LT(Clock::now() - quiet_start, std::chrono::seconds(5));
}

} // namespace
} // namespace distill::support
