#pragma once

// One instruction of a stage as BuildKit's dockerfile2llb dispatch() sees it:
// variables expanded where BuildKit expands them, and the stage state (ENV,
// ARGs, WORKDIR, USER, SHELL) updated. Used by analyze().

#include "frontend/instructions.hpp"
#include "frontend/shell_lexer.hpp"
#include "support/diagnostic.hpp"

#include <map>
#include <string>
#include <vector>

namespace distill::frontend {

struct StageState {
  EnvList env;                 // ENV set by the Dockerfile (and PATH)
  std::vector<ArgValue> args;  // ARGs declared so far
  std::string workdir = "/";
  std::string user;
  std::vector<std::string> shell = {"/bin/sh", "-c"};

  // The variables an expanding instruction sees: ARG values, then ENV (an
  // ENV of the same name wins).
  ShellEnv variables() const;
};

struct DispatchContext {
  char escape = '\\';
  const std::vector<ArgValue>& globals;                  // global ARGs and built-ins, after --build-arg
  const std::map<std::string, std::string>& build_args;  // --build-arg values
  support::DiagnosticSink& sink;
  support::Severity severity = support::Severity::error; // warning for stages the target does not need
};

// Expands `command` in place and applies it to `state`. Reports findings
// (expansion errors, bad mounts, empty VOLUME, ...) and returns false when
// there was one.
bool dispatch_command(Command& command, StageState& state, const DispatchContext& context);

// Sets KEY in an ordered ENV list, replacing it in place if present.
void set_env(EnvList& env, const std::string& key, const std::string& value);

} // namespace distill::frontend
