#include "cli/load_plan.hpp"

#include "frontend/analyze.hpp"
#include "frontend/check_instructions.hpp"
#include "frontend/parse.hpp"
#include "planner/planner.hpp"
#include "support/atomic_file.hpp"
#include "support/diagnostic.hpp"
#include "support/sha256.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace distill::cli {

namespace {

void print_diagnostics(const support::DiagnosticSink& sink, const support::SourceFile& file) {
  for (const auto& diagnostic : sink.diagnostics()) {
    fmt::print(stderr, "{}", support::render(diagnostic, file));
  }
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
  // NUL separators keep "a=b" + "c" apart from "a=bc".
  std::string inputs_text = loaded.file.text;
  for (const auto& [key, value] : inputs.build_args) {
    inputs_text += '\0';
    inputs_text += "arg " + key + "=" + value;
  }
  inputs_text += '\0';
  inputs_text += "target " + inputs.target;
  inputs_text += '\0';
  inputs_text += "platform " + inputs.platform;
  support::Sha256 hash;
  hash.update(inputs_text);
  loaded.inputs_hash = "sha256:" + hash.hex_digest();
  return loaded;
}

} // namespace distill::cli
