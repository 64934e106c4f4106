#include "cli/load_plan.hpp"

#include "frontend/analyze.hpp"
#include "frontend/check_instructions.hpp"
#include "frontend/parse.hpp"
#include "planner/plan_json.hpp"
#include "planner/planner.hpp"
#include "support/atomic_file.hpp"
#include "support/diagnostic.hpp"
#include "support/sha256.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace distill::cli {

namespace {

void print_diagnostics(const support::DiagnosticSink& sink, const support::SourceFile& file) {
  for (const auto& diagnostic : sink.diagnostics()) {
    fmt::print(stderr, "{}", support::render(diagnostic, file));
  }
}

// What a lock is resolved from, out of the plan (its stable JSON): each
// stage's base, its installs, and what --minimal decides by (whether the
// stage runs RUN steps, the shell form of its ENTRYPOINT/CMD/HEALTHCHECK).
// A change anywhere else (a COPY, a LABEL, a heredoc file, a comment) keeps
// the lock, so such a rebuild does not resolve again.
std::string lock_relevant_plan(const planner::Plan& plan) {
  const auto full = nlohmann::json::parse(planner::plan_to_json(plan));
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& stage : full.at("stages")) {
    auto base = stage.at("base");
    base.erase("line");
    nlohmann::json ops = nlohmann::json::array();
    for (auto op : stage.at("ops")) {
      const std::string kind = op.at("op").get<std::string>();
      if (kind == "Run") {
        ops.push_back({{"op", "Run"}});
      } else if (kind == "InstallPackages" || kind == "SetCmd" || kind == "SetEntrypoint" || kind == "Healthcheck") {
        op.erase("line");
        op.erase("ranges");
        op.erase("created_by");
        ops.push_back(std::move(op));
      }
    }
    stages.push_back({{"index", stage.at("index")}, {"name", stage.at("name")}, {"base", base}, {"ops", ops}});
  }
  return nlohmann::json{{"target", full.at("target")}, {"stages", stages}}.dump();
}

} // namespace

std::optional<LoadedPlan> load_plan(const PlanInputs& inputs) {
  auto text = support::read_file(inputs.dockerfile);
  if (!text) {
    fmt::print(stderr, "error: {}\n", text.error().message);
    return std::nullopt;
  }
  LoadedPlan loaded;
  loaded.file = {inputs.dockerfile.filename().string(), std::move(*text)};
  if (loaded.file.name.empty()) {
    loaded.file.name = "Dockerfile";
  }
  support::DiagnosticSink sink;
  const auto document = frontend::parse(loaded.file, sink);
  if (!sink.has_errors()) {
    frontend::check_instructions(document, sink);
  }
  if (sink.has_errors()) {
    print_diagnostics(sink, loaded.file);
    return std::nullopt;
  }
  frontend::BuildOptions options;
  options.build_args = inputs.build_args;
  options.target = inputs.target;
  options.target_platform = inputs.platform;
  const auto build = frontend::analyze(document, options, sink);
  if (sink.has_errors()) {
    print_diagnostics(sink, loaded.file);
    return std::nullopt;
  }
  loaded.plan = planner::make_plan(build, loaded.file);
  print_diagnostics(sink, loaded.file); // warnings, and errors if any
  if (sink.has_errors()) {
    return std::nullopt;
  }
  // Build arguments and the target are in the plan already (expanded, and
  // only the stages the target needs); NUL keeps the platform apart.
  std::string inputs_text = lock_relevant_plan(loaded.plan);
  inputs_text += '\0';
  inputs_text += "platform " + inputs.platform;
  support::Sha256 hash;
  hash.update(inputs_text);
  loaded.inputs_hash = "sha256:" + hash.hex_digest();
  return loaded;
}

} // namespace distill::cli
