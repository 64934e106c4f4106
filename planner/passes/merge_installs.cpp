#include "planner/passes/passes.hpp"

#include <algorithm>
#include <utility>

namespace distill::planner::passes {
namespace {

// The first and last of the op's parts in the order of ir.hpp (0..6), -1 for none.
std::pair<int, int> phases(const InstallPackages& op) {
  const bool present[7] = {!op.save_manual.empty(),
                           !op.upgrade.empty(),
                           !op.packages.empty(),
                           !op.mark_auto.empty(),
                           !op.mark_manual.empty() || !op.restore_manual.empty(),
                           !op.remove.empty() || !op.purge.empty(),
                           op.auto_remove};
  int first = -1, last = -1;
  for (int i = 0; i < 7; ++i) {
    if (present[i]) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return {first, last};
}

bool mergeable(const InstallPackages& a, const InstallPackages& b) {
  const auto [a_first, a_last] = phases(a);
  const auto [b_first, b_last] = phases(b);
  if (a_first < 0 || b_first < 0) return true;
  // Equal phases merge only for installs (two package lists add up).
  if (b_first < a_last || (b_first == a_last && a_last != 2)) return false;
  if (!a.packages.empty() && !b.packages.empty() && a.recommends != b.recommends) return false;
  if (!a.default_release.empty() && !b.default_release.empty() && a.default_release != b.default_release) return false;
  if (!b.packages.empty() && a.default_release != b.default_release) return false;
  if (a.auto_remove && b.auto_remove && a.autoremove_keeps_recommends != b.autoremove_keeps_recommends) return false;
  return true;
}

void merge_into(InstallPackages& a, InstallPackages&& b) {
  if (a.packages.empty()) a.recommends = b.recommends;
  a.packages.insert(a.packages.end(), b.packages.begin(), b.packages.end());
  a.purge.insert(a.purge.end(), b.purge.begin(), b.purge.end());
  a.remove.insert(a.remove.end(), b.remove.begin(), b.remove.end());
  a.mark_auto.insert(a.mark_auto.end(), b.mark_auto.begin(), b.mark_auto.end());
  a.mark_manual.insert(a.mark_manual.end(), b.mark_manual.begin(), b.mark_manual.end());
  if (a.upgrade.empty()) a.upgrade = b.upgrade;
  if (a.default_release.empty()) a.default_release = b.default_release;
  if (a.save_manual.empty()) a.save_manual = b.save_manual;
  if (a.restore_manual.empty()) a.restore_manual = b.restore_manual;
  if (b.auto_remove) {
    a.auto_remove = true;
    a.autoremove_keeps_recommends = b.autoremove_keeps_recommends;
  }
  a.where.insert(a.where.end(), b.where.begin(), b.where.end());
}

} // namespace

int merge_installs(Plan& plan) {
  int merged = 0;
  for (Stage& stage : plan.stages) {
    std::vector<Step> steps;
    for (Step& step : stage.steps) {
      auto* next = std::get_if<InstallPackages>(&step.op);
      auto* last = steps.empty() ? nullptr : std::get_if<InstallPackages>(&steps.back().op);
      if (next && last && mergeable(*last, *next)) {
        merge_into(*last, std::move(*next));
        ++merged;
        continue;
      }
      steps.push_back(std::move(step));
    }
    stage.steps = std::move(steps);
  }
  return merged;
}

} // namespace distill::planner::passes
