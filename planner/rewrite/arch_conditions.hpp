#pragma once

// Architecture tests the planner can decide: the platform a stage is built
// for is known when planning, so `case "$(dpkg --print-architecture)" in
// amd64) ...`, `case "$dpkgArch" in` (after dpkgArch="$(dpkg
// --print-architecture)") and `if [ "$(uname -m)" = x86_64 ]` have one
// branch that runs. Only these exact forms are decided; any other test
// leaves the compound command as it is.

#include "planner/shell/syntax.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace distill::planner::rewrite {

// What the architecture queries print on a platform; empty when not known.
struct PlatformArch {
  std::string dpkg;  // dpkg --print-architecture: amd64, arm64, armhf, ...
  std::string uname; // uname -m: x86_64, aarch64, ...
};

// The queries' output for `platform` ("linux/amd64", "linux/arm/v7"); fields
// stay empty for platforms where it is not certain (uname -m of linux/386).
PlatformArch platform_arch(std::string_view platform);

// Variables holding an architecture query's output, by name.
using ArchVariables = std::map<std::string, std::string, std::less<>>;

// The value of a word that is exactly `$(dpkg --print-architecture)` or
// `$(uname -m)` (or backquoted, quoted or not); nullopt for anything else.
std::optional<std::string> arch_query_value(const shell::Word& word, const PlatformArch& arch);

// The branch that runs, when the planner can tell.
struct BranchDecision {
  bool decided = false;
  int body = -1; // index into Command::bodies; -1: no branch runs
};

// Decides an if_clause whose every condition is `[ A = B ]` / `[ A != B ]` /
// `test A = B` (also `==`, `[[ ]]`) with one side an architecture query (or a
// variable from `variables`) and the other literal, or a case_clause on such a
// subject with literal patterns (and `*`). Anything else: not decided.
// `text` is the script the command was read from.
BranchDecision decide_arch_branch(const shell::Command& command, std::string_view text, const ArchVariables& variables,
                                  const PlatformArch& arch);

} // namespace distill::planner::rewrite
