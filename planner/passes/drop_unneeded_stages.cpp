#include "planner/passes/passes.hpp"

#include <set>
#include <vector>

namespace distill::planner::passes {
namespace {

// The stages (indexes into plan.stages) that `stage` uses.
std::vector<int> uses(const Stage& stage) {
  std::vector<int> used;
  if (const auto* base = std::get_if<StageBase>(&stage.base.kind)) used.push_back(base->stage);
  for (const Step& step : stage.steps) {
    if (const auto* copy = std::get_if<Copy>(&step.op); copy && copy->from_stage >= 0) {
      used.push_back(copy->from_stage);
    } else if (const auto* run = std::get_if<Run>(&step.op)) {
      for (const Mount& mount : run->mounts) {
        if (mount.from_stage >= 0) used.push_back(mount.from_stage);
      }
    }
  }
  return used;
}

void renumber(int& index, const std::vector<int>& map) {
  if (index >= 0 && index < static_cast<int>(map.size())) index = map[index];
}

} // namespace

int drop_unneeded_stages(Plan& plan) {
  const int count = static_cast<int>(plan.stages.size());
  if (plan.target < 0 || plan.target >= count) {
    return 0;
  }
  std::set<int> needed;
  std::vector<int> work = {plan.target};
  while (!work.empty()) {
    const int index = work.back();
    work.pop_back();
    if (index < 0 || index >= count || !needed.insert(index).second) continue;
    for (int used : uses(plan.stages[index])) work.push_back(used);
  }
  std::vector<int> map(count, -1);
  std::vector<Stage> kept;
  for (int i = 0; i < count; ++i) {
    if (needed.contains(i)) {
      map[i] = static_cast<int>(kept.size());
      kept.push_back(std::move(plan.stages[i]));
    }
  }
  for (Stage& stage : kept) {
    if (auto* base = std::get_if<StageBase>(&stage.base.kind)) renumber(base->stage, map);
    for (Step& step : stage.steps) {
      if (auto* copy = std::get_if<Copy>(&step.op)) {
        renumber(copy->from_stage, map);
      } else if (auto* run = std::get_if<Run>(&step.op)) {
        for (Mount& mount : run->mounts) renumber(mount.from_stage, map);
      }
    }
  }
  // Notes of dropped stages go too.
  std::vector<RewriteNote> notes;
  for (RewriteNote& note : plan.notes) {
    if (note.stage >= 0 && note.stage < count && map[note.stage] >= 0) {
      note.stage = map[note.stage];
      notes.push_back(std::move(note));
    }
  }
  const int dropped = count - static_cast<int>(kept.size());
  plan.stages = std::move(kept);
  plan.notes = std::move(notes);
  renumber(plan.target, map);
  return dropped;
}

void optimize(Plan& plan) {
  drop_unneeded_stages(plan);
  drop_idle_cleanup(plan);
  merge_installs(plan);
}

} // namespace distill::planner::passes
