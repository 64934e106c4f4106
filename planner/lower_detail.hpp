#pragma once

// Internal to lowering: the per-instruction lowerers and the state the RUN
// rewrite carries from step to step.

#include "frontend/instructions.hpp"
#include "planner/ir.hpp"
#include "planner/lower.hpp"
#include "support/source.hpp"

#include <string>

namespace distill::planner::detail {

// What earlier steps of a stage (and of the stages it is built on) did to apt.
struct StageState {
  std::string sources_changed; // apt sources or keys changed: where and how
  int lists = 0;               // 0 none, 1 fetched by a removed `apt-get update`, 2 present, 3 removed
  Ranges lists_where;          // the step whose `apt-get update` was removed
  bool complete_environment = false; // the base adds no unknown ENV (scratch, a distro, a stage of those)
};

struct LowerContext {
  const frontend::Build& build;
  const support::SourceFile& file;
  const LowerOptions& options;
  Plan& plan;
  Stage& stage;
  StageState& state;
};

void lower_run(LowerContext& context, const frontend::Step& step, const frontend::RunCommand& run);
void lower_copy(LowerContext& context, const frontend::Step& step, const frontend::CopyCommand& copy);
void lower_add(LowerContext& context, const frontend::Step& step, const frontend::AddCommand& add);
// Every other instruction (image config); ARG and MAINTAINER give no op.
void lower_config(LowerContext& context, const frontend::Step& step);

// The stage index `from` (a name or a number) names, among the stages before
// `current`; -1 when it names none (an image or a named context).
int resolve_stage(const frontend::Build& build, const std::string& from, int current);

// Sets `where` on any op.
void set_where(Op& op, Ranges where);

// "port[/proto]" items as BuildKit normalizes EXPOSE: "80/tcp", ranges expanded.
std::vector<std::string> exposed_ports(const std::vector<std::string>& written);

} // namespace distill::planner::detail
