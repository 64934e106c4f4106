// The typed layer and analyze() over the 383 real-world Dockerfiles in
// shared/corpus/real: they all build in BuildKit, so none may give an error.

#include "frontend/analyze.hpp"
#include "frontend/parse.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using namespace distill;

const fs::path k_corpus = fs::path(DISTILL_SOURCE_DIR) / ".." / "shared" / "corpus" / "real";

struct Exception {
  std::vector<std::pair<std::string, std::string>> build_args; // what the project's build passes
  std::vector<std::string> expected_errors;                    // errors BuildKit gives too
  std::string reason;
};

// Files that do not build as they stand, and why.
const std::map<std::string, Exception>& exceptions() {
  static const std::string k_from_variable =
      "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope "
      "as a workaround";
  static const std::map<std::string, Exception> k_exceptions = {
      {"vectordotdev__vector__scripts__cross__Dockerfile",
       {{{"CROSS_DIGEST", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}},
        {},
        "`FROM ghcr.io/cross-rs/${TARGET}@${CROSS_DIGEST}`: the repository's cross build passes CROSS_DIGEST; "
        "without it the reference ends in `@` and BuildKit fails with `invalid reference format`"}},
      {"traefik__traefik-library-image__tmpl__alpine__tmplv1.Dockerfile",
       {{},
        {"failed to parse stage name \"alpine:\": invalid reference format"},
        "a template: the repository's script replaces $ALPINE_VERSION (not an ARG, so no --build-arg can set it) "
        "before building"}},
      {"devcontainers__images__build__assets__redhat.Dockerfile",
       {{},
        {"failed to parse stage name \"REPLACE-ME\": invalid reference format: repository name (REPLACE-ME) must "
         "be lowercase"},
        "a template: `FROM REPLACE-ME` is a placeholder the repository's tooling replaces before building"}},
      {"netbox-community__netbox-docker__Dockerfile",
       {{{"FROM", "ubuntu:24.04"}},
        {},
        "`ARG FROM` has no default: the repository's build script always passes --build-arg FROM; without it "
        "BuildKit also fails with `base name (${FROM}) should not be blank`"}},
      {"traefik__traefik-library-image__tmpl__scratch__tmplv1.Dockerfile",
       {{},
        {k_from_variable, k_from_variable, k_from_variable},
        "a template: the repository's script replaces ${VERSION} before building; BuildKit refuses "
        "`COPY --from=traefik:${VERSION}-alpine` with this message (see its testDockerfileCopyFromArgs)"}},
  };
  return k_exceptions;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(AnalyzeCorpus, EveryRealDockerfileAnalyzesWithoutErrors) {
  if (!fs::exists(k_corpus)) GTEST_SKIP() << "shared corpus not found at " << k_corpus;
  int files = 0;
  int stages = 0;
  int steps = 0;
  for (const auto& entry : fs::directory_iterator(k_corpus)) {
    const std::string name = entry.path().filename().string();
    if (name == "INDEX.tsv") continue;
    SCOPED_TRACE(name);
    support::DiagnosticSink sink;
    support::SourceFile file{name, slurp(entry.path())};
    const frontend::Document document = frontend::parse(file, sink);
    frontend::BuildOptions options;
    std::vector<std::string> expected;
    if (auto it = exceptions().find(name); it != exceptions().end()) {
      options.build_args = it->second.build_args;
      expected = it->second.expected_errors;
    }
    const frontend::Build build = frontend::analyze(document, options, sink);
    std::vector<std::string> errors;
    for (const auto& diagnostic : sink.diagnostics()) {
      if (diagnostic.severity == support::Severity::error) errors.push_back(support::render(diagnostic, file));
    }
    if (expected.empty()) {
      EXPECT_TRUE(errors.empty()) << errors.front();
    } else {
      ASSERT_EQ(errors.size(), expected.size());
      for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_NE(errors[i].find(expected[i]), std::string::npos) << errors[i];
      }
    }
    EXPECT_FALSE(build.stages.empty());
    EXPECT_GE(build.target, 0);
    stages += static_cast<int>(build.stages.size());
    for (const auto& stage : build.stages) steps += static_cast<int>(stage.steps.size());
    ++files;
  }
  EXPECT_EQ(files, 383);
  RecordProperty("stages", stages);
  RecordProperty("steps", steps);
}

} // namespace
