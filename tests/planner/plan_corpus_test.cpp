// The real-world check: every Dockerfile of ../shared/corpus/real is planned
// (no crash, no error: BuildKit reads them all), and the share of apt-get
// install commands that became InstallPackages must stay at 85% or more. The
// kept ones are printed grouped by cause, so the next rewrite to add is obvious.

#include "planner/planner.hpp"
#include "support/atomic_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace distill::planner {
namespace {

namespace fs = std::filesystem;

TEST(PlanCorpus, RealDockerfilesPlanAndAptInstallsBecomeDeclarative) {
  const fs::path corpus = fs::path(DISTILL_SOURCE_DIR) / ".." / "shared" / "corpus" / "real";
  if (!fs::is_directory(corpus)) {
    GTEST_SKIP() << "no shared corpus at " << corpus;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.is_regular_file() && entry.path().filename() != "INDEX.tsv") files.push_back(entry.path());
  }
  std::ranges::sort(files);
  ASSERT_FALSE(files.empty());

  int planned = 0, installs = 0, rewritten = 0, invalid_as_given = 0;
  int install_steps = 0, steps_rewritten = 0; // RUN steps with apt installs, and those that got InstallPackages
  int outcomes[3] = {0, 0, 0};
  std::map<std::string, int> kept_by_cause;
  std::map<std::string, std::string> example;
  for (const fs::path& path : files) {
    auto text = support::read_file(path);
    ASSERT_TRUE(text) << path;
    const support::SourceFile file{path.filename().string(), std::move(*text)};
    support::DiagnosticSink sink;
    const std::optional<Plan> plan = plan_dockerfile(file, {}, {}, sink);
    std::string errors;
    bool needs_build_args = true;
    for (const support::Diagnostic& diagnostic : sink.diagnostics()) {
      if (diagnostic.severity != support::Severity::error) continue;
      errors += support::render(diagnostic, file);
      // Templates that only make sense with --build-arg: BuildKit rejects them as given too.
      needs_build_args = needs_build_args && (diagnostic.kind == "invalid-reference" || diagnostic.kind == "blank-base" ||
                                              diagnostic.kind == "expansion");
    }
    if (!plan) {
      EXPECT_TRUE(needs_build_args) << file.name << " did not plan:\n" << errors;
      invalid_as_given += 1;
      continue;
    }
    ++planned;
    for (const RewriteNote& note : plan->notes) {
      outcomes[static_cast<int>(note.outcome)] += 1;
      installs += note.install_commands;
      rewritten += note.installs_rewritten;
      if (note.install_commands > 0) {
        install_steps += 1;
        steps_rewritten += note.installs_rewritten > 0 ? 1 : 0;
      }
      if (note.installs_rewritten < note.install_commands) {
        kept_by_cause[note.cause] += note.install_commands - note.installs_rewritten;
        example.try_emplace(note.cause, fmt::format("{}:{}: {}", file.name,
                                                    note.where.empty() ? 0 : note.where.front().begin.line,
                                                    note.reason));
      }
    }
  }
  ASSERT_GT(installs, 0);
  const double share = 100.0 * rewritten / installs;
  std::vector<std::pair<int, std::string>> causes;
  for (const auto& [cause, count] : kept_by_cause) causes.emplace_back(count, cause);
  std::ranges::sort(causes, std::greater<>());
  const double step_share = 100.0 * steps_rewritten / install_steps;
  std::string report = fmt::format(
      "planned {} of {} Dockerfiles ({} need --build-arg to be valid); RUN steps rewritten fully {}, partly {}, "
      "kept {}\n"
      "RUN steps with apt-get install: {}, with their install as InstallPackages: {} ({:.1f}%)\n"
      "apt install commands: {}, as InstallPackages: {} ({:.1f}%)\nkept apt installs by cause:\n",
      planned, files.size(), invalid_as_given, outcomes[0], outcomes[1], outcomes[2], install_steps, steps_rewritten,
      step_share, installs, rewritten, share);
  for (const auto& [count, cause] : causes) {
    report += fmt::format("  {:4}  {:<28} e.g. {}\n", count, cause, example[cause]);
  }
  std::printf("%s", report.c_str());
  EXPECT_GE(share, 85.0) << report;
}

} // namespace
} // namespace distill::planner
