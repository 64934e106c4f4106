#pragma once

// The per-instruction builders behind build_command() (instructions.cpp),
// split by concept across instructions_*.cpp. Each reports its findings with
// BuildKit's wording and returns nullopt when the instruction is unusable.

#include "frontend/ast.hpp"
#include "frontend/instructions.hpp"
#include "support/diagnostic.hpp"

#include <optional>

namespace distill::frontend {

struct BuildRequest {
  const Instruction& node;
  char escape = '\\';
  support::DiagnosticSink& sink;
};

// Fills the fields every command has (where, keyword_where, keyword).
template <typename T>
T with_header(T command, const Instruction& node) {
  command.where = node.where;
  command.keyword_where = node.keyword_where;
  command.keyword = node.keyword;
  return command;
}

std::optional<Command> build_env(const BuildRequest& request);
std::optional<Command> build_label(const BuildRequest& request);
std::optional<Command> build_arg(const BuildRequest& request);
std::optional<Command> build_add(const BuildRequest& request);
std::optional<Command> build_copy(const BuildRequest& request);
std::optional<Command> build_run(const BuildRequest& request);
std::optional<Command> build_cmd(const BuildRequest& request);
std::optional<Command> build_entrypoint(const BuildRequest& request);
std::optional<Command> build_shell(const BuildRequest& request);
std::optional<Command> build_healthcheck(const BuildRequest& request);

// A heredoc marker word (`<<EOF`, `<<-"EOF"`, `3<<EOF`) read like BuildKit's
// parser.ParseHeredoc; nullopt when the word is not one.
struct HeredocMarker {
  std::string name;
  bool expand = true;
  bool chomp = false;
  int fd = -1;
};
std::optional<HeredocMarker> parse_heredoc_marker(std::string_view word);

// Heredoc content with leading tabs removed from every line (`<<-`).
std::string chomp_heredoc(std::string_view content);

} // namespace distill::frontend
