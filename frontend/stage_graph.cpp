#include "frontend/stage_graph.hpp"

#include "frontend/typed_support.hpp"

#include <charconv>

namespace distill::frontend {

StageNames index_stage_names(const std::vector<Stage>& stages) {
  StageNames names;
  for (const auto& stage : stages) {
    if (!stage.name.empty()) names[stage.name] = stage.index;
  }
  return names;
}

int find_stage_by_name(const StageNames& names, std::string_view name) {
  const auto found = names.find(ascii_lower(name));
  return found == names.end() ? -1 : found->second;
}

StageReference resolve_copy_from(std::size_t stage_count, const StageNames& names, std::string_view from) {
  StageReference ref;
  // strconv.Atoi: an optional sign and decimal digits.
  std::string_view digits = from;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  long long number = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  const bool is_number = !digits.empty() && error == std::errc() && end == digits.data() + digits.size() &&
                         digits.find_first_not_of("0123456789") == std::string_view::npos;
  if (is_number) {
    ref.index = negative ? -number : number;
    if (ref.index < 0 || ref.index >= static_cast<long long>(stage_count)) {
      ref.invalid_index = true;
    } else {
      ref.stage = static_cast<int>(ref.index);
    }
    return ref;
  }
  ref.stage = find_stage_by_name(names, from);
  return ref;
}

std::optional<int> find_cycle(const std::vector<std::vector<int>>& edges) {
  // Depth-first search with an explicit stack (a file may have many stages).
  std::vector<bool> visited(edges.size(), false);
  std::vector<bool> on_path(edges.size(), false);
  struct Frame {
    int stage;
    std::size_t next; // the next edge to follow
  };
  for (std::size_t root = 0; root < edges.size(); ++root) {
    if (visited[root]) continue;
    std::vector<Frame> stack = {{static_cast<int>(root), 0}};
    visited[root] = on_path[root] = true;
    while (!stack.empty()) {
      Frame& frame = stack.back();
      if (frame.next == edges[frame.stage].size()) {
        on_path[frame.stage] = false;
        stack.pop_back();
        continue;
      }
      const int dep = edges[frame.stage][frame.next++];
      if (on_path[dep]) return static_cast<int>(root);
      if (!visited[dep]) {
        visited[dep] = on_path[dep] = true;
        stack.push_back({dep, 0});
      }
    }
  }
  return std::nullopt;
}

void mark_needed(std::vector<Stage>& stages, int target) {
  if (target < 0 || target >= static_cast<int>(stages.size())) return;
  std::vector<int> work = {target};
  while (!work.empty()) {
    const int stage = work.back();
    work.pop_back();
    if (stages[stage].needed) continue;
    stages[stage].needed = true;
    if (stages[stage].base_stage >= 0) work.push_back(stages[stage].base_stage);
    for (int dep : stages[stage].depends_on) work.push_back(dep);
  }
}

} // namespace distill::frontend
