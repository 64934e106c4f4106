#include "planner/passes/passes.hpp"

#include <vector>
#include <string_view>

namespace distill::planner::passes {
namespace {

struct AptFiles {
  bool lists = false; // /var/lib/apt/lists may hold something
  bool cache = false; // /var/cache/apt may hold something
};

// A Run that calls apt (or pipes a download into a shell, which usually does)
// can leave lists and .debs behind.
bool may_fill(const Run& run) {
  std::string text = run.script;
  for (const std::string& arg : run.argv) text += " " + arg;
  for (const Run::File& file : run.heredocs) text += " " + file.content;
  for (std::string_view needle : {"apt-get", "apt ", "apt\t", "aptitude", "add-apt-repository", "apt-add-repository",
                                  "| bash", "| sh", "|bash", "|sh", "| sudo"}) {
    if (text.find(needle) != std::string::npos) return true;
  }
  for (const std::string& arg : run.argv) {
    if (arg == "apt" || arg.ends_with("/apt")) return true;
  }
  return false;
}

bool under(const std::string& path, std::string_view root) {
  return path == root || (path.starts_with(root) && path.size() > root.size() && path[root.size()] == '/');
}

} // namespace

int drop_idle_cleanup(Plan& plan) {
  int dropped = 0;
  std::vector<AptFiles> at_end(plan.stages.size()); // by position in plan.stages
  for (std::size_t position = 0; position < plan.stages.size(); ++position) {
    Stage& stage = plan.stages[position];
    AptFiles files;
    if (const auto* parent = std::get_if<StageBase>(&stage.base.kind)) {
      if (parent->stage >= 0 && static_cast<std::size_t>(parent->stage) < position) files = at_end[parent->stage];
    } else if (std::holds_alternative<ImageBase>(stage.base.kind) || std::holds_alternative<LayoutBase>(stage.base.kind)) {
      files = {true, true}; // an image may come with anything
    }
    std::vector<Step> kept;
    for (Step& step : stage.steps) {
      if (const auto* run = std::get_if<Run>(&step.op); run && may_fill(*run)) {
        files = {true, true};
      } else if (const auto* copy = std::get_if<Copy>(&step.op)) {
        files.lists = files.lists || under(copy->dest, "/var/lib/apt/lists") || under(copy->dest, "/var/lib/apt");
        files.cache = files.cache || under(copy->dest, "/var/cache/apt");
      } else if (const auto* remove = std::get_if<Remove>(&step.op); remove && remove->cache_cleanup) {
        const bool lists = under(remove->path, "/var/lib/apt/lists");
        if (!(lists ? files.lists : files.cache)) {
          ++dropped;
          continue;
        }
        // Only removing everything makes it clean ("archives/*.deb" leaves the rest).
        if (remove->path == "/var/lib/apt/lists/*" || remove->path == "/var/lib/apt/lists" ||
            remove->path == "/var/cache/apt/*" || remove->path == "/var/cache/apt") {
          (lists ? files.lists : files.cache) = false;
        }
      }
      kept.push_back(std::move(step));
    }
    stage.steps = std::move(kept);
    at_end[position] = files;
  }
  return dropped;
}

} // namespace distill::planner::passes
