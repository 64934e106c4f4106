// The real-world check over ../shared/corpus/real: every Dockerfile plans (no
// crash; errors only for templates that BuildKit also rejects without
// --build-arg), and the share of `apt-get install` steps that became
// InstallPackages is reported with the kept ones grouped by cause, so the
// next rewrite to add is obvious.

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

struct CorpusResult {
  bool present = false;
  int files = 0, planned = 0, invalid_as_given = 0;
  std::vector<std::string> failures; // files that did not plan for another reason
  int outcomes[3] = {0, 0, 0};
  int install_steps = 0, steps_rewritten = 0; // RUN steps with apt installs / with an InstallPackages from them
  int installs = 0, rewritten = 0;            // apt install commands / lifted into InstallPackages
  std::map<std::string, int> kept_by_cause;
  std::map<std::string, std::string> example;
  std::string report;
};

const CorpusResult& corpus() {
  static const CorpusResult result = [] {
    CorpusResult out;
    const fs::path root = fs::path(DISTILL_SOURCE_DIR) / ".." / "shared" / "corpus" / "real";
    if (!fs::is_directory(root)) return out;
    out.present = true;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(root)) {
      if (entry.is_regular_file() && entry.path().filename() != "INDEX.tsv") files.push_back(entry.path());
    }
    std::ranges::sort(files);
    out.files = static_cast<int>(files.size());
    for (const fs::path& path : files) {
      auto text = support::read_file(path);
      if (!text) {
        out.failures.push_back(path.filename().string() + ": " + text.error().message);
        continue;
      }
      const support::SourceFile file{path.filename().string(), std::move(*text)};
      support::DiagnosticSink sink;
      const std::optional<Plan> plan = plan_dockerfile(file, {}, {}, sink);
      if (!plan) {
        std::string errors;
        bool needs_build_args = true;
        for (const support::Diagnostic& diagnostic : sink.diagnostics()) {
          if (diagnostic.severity != support::Severity::error) continue;
          errors += support::render(diagnostic, file);
          // Templates that only make sense with --build-arg: BuildKit rejects them as given too.
          needs_build_args = needs_build_args && (diagnostic.kind == "invalid-reference" ||
                                                  diagnostic.kind == "blank-base" || diagnostic.kind == "expansion");
        }
        if (needs_build_args) {
          out.invalid_as_given += 1;
        } else {
          out.failures.push_back(file.name + ":\n" + errors);
        }
        continue;
      }
      out.planned += 1;
      for (const RewriteNote& note : plan->notes) {
        out.outcomes[static_cast<int>(note.outcome)] += 1;
        out.installs += note.install_commands;
        out.rewritten += note.installs_rewritten;
        if (note.install_commands > 0) {
          out.install_steps += 1;
          out.steps_rewritten += note.installs_rewritten > 0 ? 1 : 0;
        }
        if (note.installs_rewritten < note.install_commands) {
          out.kept_by_cause[note.cause] += note.install_commands - note.installs_rewritten;
          out.example.try_emplace(note.cause, fmt::format("{}:{}: {}", file.name,
                                                          note.where.empty() ? 0 : note.where.front().begin.line,
                                                          note.reason));
        }
      }
    }
    std::vector<std::pair<int, std::string>> causes;
    for (const auto& [cause, count] : out.kept_by_cause) causes.emplace_back(count, cause);
    std::ranges::sort(causes, std::greater<>());
    out.report = fmt::format(
        "planned {} of {} Dockerfiles ({} need --build-arg to be valid); RUN steps rewritten fully {}, partly {}, "
        "kept {}\n"
        "RUN steps with apt-get install: {}, with their install as InstallPackages: {} ({:.1f}%)\n"
        "apt install commands: {}, as InstallPackages: {} ({:.1f}%)\nkept apt installs by cause:\n",
        out.planned, out.files, out.invalid_as_given, out.outcomes[0], out.outcomes[1], out.outcomes[2],
        out.install_steps, out.steps_rewritten, 100.0 * out.steps_rewritten / std::max(out.install_steps, 1),
        out.installs, out.rewritten, 100.0 * out.rewritten / std::max(out.installs, 1));
    for (const auto& [count, cause] : causes) {
      out.report += fmt::format("  {:4}  {:<28} e.g. {}\n", count, cause, out.example[cause]);
    }
    return out;
  }();
  return result;
}

TEST(PlanCorpus, EveryDockerfilePlans) {
  const CorpusResult& result = corpus();
  if (!result.present) {
    GTEST_SKIP() << "no shared corpus next to the project (../shared/corpus/real)";
  }
  ASSERT_GT(result.files, 0);
  for (const std::string& failure : result.failures) {
    ADD_FAILURE() << "did not plan: " << failure;
  }
  EXPECT_EQ(result.planned + result.invalid_as_given, result.files);
  EXPECT_GT(result.install_steps, 0);
  std::printf("%s", result.report.c_str());
}

// Issue 3's target is met: at least 85% of the RUN steps that run apt-get
// install get InstallPackages. The planner reaches 85.4% (175 of 205); the
// last two steps gained are discourse's `apt-get install postgresql-${PG_MAJOR}`
// on a pulled base, whose PG_MAJOR only the image's Env sets (expanded by
// `distill lock`). Most of the kept steps printed above install from
// third-party apt sources (their own keys and repositories).
constexpr double k_reached_share = 85.0;
TEST(PlanCorpus, AptInstallStepsBecomeInstallPackages) {
  const CorpusResult& result = corpus();
  if (!result.present) {
    GTEST_SKIP() << "no shared corpus next to the project (../shared/corpus/real)";
  }
  const double share = 100.0 * result.steps_rewritten / std::max(result.install_steps, 1);
  EXPECT_GE(share, k_reached_share) << result.report;
}

} // namespace
} // namespace distill::planner
