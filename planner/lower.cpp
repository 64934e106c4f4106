#include "planner/lower.hpp"

#include "planner/lower_base.hpp"
#include "planner/lower_detail.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace distill::planner {
namespace detail {

int resolve_stage(const frontend::Build& build, const std::string& from, int current) {
  if (from.empty()) {
    return -1;
  }
  if (std::ranges::all_of(from, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    const int index = from.size() < 6 ? std::stoi(from) : -1;
    return index >= 0 && index < current ? index : -1;
  }
  std::string lower = from;
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (int i = std::min<int>(current, static_cast<int>(build.stages.size())) - 1; i >= 0; --i) {
    if (build.stages[i].name == lower) {
      return i;
    }
  }
  return -1;
}

void set_where(Op& op, Ranges where) {
  std::visit([&](auto& value) { value.where = std::move(where); }, op);
}

} // namespace detail

namespace {

Base lower_base(const frontend::Stage& stage, Plan& plan) {
  Base base;
  base.platform = stage.platform;
  base.where = {stage.from.where};
  switch (stage.base_kind) {
  case frontend::BaseKind::scratch: base.kind = ScratchBase{}; break;
  case frontend::BaseKind::stage: base.kind = StageBase{stage.base_stage}; break;
  case frontend::BaseKind::image: base.kind = image_base(stage.base_name); break;
  }
  if (const auto* distro = std::get_if<DistroBase>(&base.kind); distro && distro->moving) {
    plan.findings.push_back({support::Severity::info, "moving-base", stage.from.base.where,
                             "'" + distro->reference + "' follows " + distro->distro +
                                 " releases, so what it means changes over time",
                             "name a release (a codename such as trixie) for a reproducible image"});
  }
  return base;
}

} // namespace

Plan lower(const frontend::Build& build, const support::SourceFile& file, const LowerOptions& options) {
  Plan plan;
  std::map<int, detail::StageState> states;
  for (const frontend::Stage& source : build.stages) {
    Stage stage;
    stage.name = source.name;
    stage.index = source.index;
    stage.base = lower_base(source, plan);
    stage.where = {source.from.where};
    detail::StageState state;
    if (source.base_kind == frontend::BaseKind::stage && states.contains(source.base_stage)) {
      state = states[source.base_stage];
    } else {
      state.complete_environment = std::holds_alternative<ScratchBase>(stage.base.kind) ||
                                   std::holds_alternative<DistroBase>(stage.base.kind);
    }
    detail::LowerContext context{build, file, options, plan, stage, state};
    for (const frontend::Step& step : source.steps) {
      if (const auto* run = std::get_if<frontend::RunCommand>(&step.command)) {
        detail::lower_run(context, step, *run);
      } else if (const auto* copy = std::get_if<frontend::CopyCommand>(&step.command)) {
        detail::lower_copy(context, step, *copy);
      } else if (const auto* add = std::get_if<frontend::AddCommand>(&step.command)) {
        detail::lower_add(context, step, *add);
      } else {
        detail::lower_config(context, step);
      }
    }
    states[source.index] = state;
    plan.stages.push_back(std::move(stage));
  }
  plan.target = build.target;
  return plan;
}

} // namespace distill::planner
