#include "frontend/check_instructions.hpp"

#include "frontend/suggest.hpp"

#include <algorithm>
#include <array>

namespace distill::frontend {
namespace {

constexpr std::array<std::string_view, 18> k_instructions = {
    "add",   "arg",        "cmd",  "copy",  "entrypoint", "env",  "expose", "from",   "healthcheck",
    "label", "maintainer", "onbuild", "run", "shell",      "stopsignal", "user", "volume", "workdir"};

void report(support::DiagnosticSink& sink, std::string kind, support::SourceRange where, std::string message,
            std::string hint) {
  sink.report({support::Severity::error, std::move(kind), where, std::move(message), std::move(hint)});
}

} // namespace

std::span<const std::string_view> instruction_names() { return k_instructions; }

void check_instructions(const Document& document, support::DiagnosticSink& sink) {
  bool seen_from = false;
  bool reported_stage = false;
  for (const Instruction& instruction : document.instructions) {
    const bool known = std::find(k_instructions.begin(), k_instructions.end(), instruction.command) !=
                       k_instructions.end();
    if (!known) {
      report(sink, "unknown-instruction", instruction.keyword_where,
             with_suggestion("unknown instruction: " + instruction.keyword, instruction.keyword, k_instructions,
                             false),
             "");
      continue;
    }
    if (instruction.command == "from") {
      seen_from = true;
    } else if (!seen_from && instruction.command != "arg" && !reported_stage) {
      reported_stage = true;
      report(sink, "no-build-stage", instruction.keyword_where, "no build stage in current context",
             "start the build with a FROM instruction; only ARG may come before it");
    }
  }
}

} // namespace distill::frontend
