#include "frontend/stage_graph.hpp"

#include "frontend/typed_support.hpp"

#include <charconv>
#include <functional>

namespace distill::frontend {

int find_stage_by_name(const std::vector<Stage>& stages, std::string_view name, std::size_t limit) {
  const std::string lower = ascii_lower(name);
  int found = -1;
  for (std::size_t i = 0; i < limit && i < stages.size(); ++i) {
    if (!stages[i].name.empty() && stages[i].name == lower) found = static_cast<int>(i);
  }
  return found;
}

StageReference resolve_copy_from(const std::vector<Stage>& stages, std::string_view from) {
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
    if (ref.index < 0 || ref.index >= static_cast<long long>(stages.size())) {
      ref.invalid_index = true;
    } else {
      ref.stage = static_cast<int>(ref.index);
    }
    return ref;
  }
  ref.stage = find_stage_by_name(stages, from, stages.size());
  return ref;
}

std::optional<int> find_cycle(const std::vector<std::vector<int>>& edges) {
  std::vector<bool> visited(edges.size(), false);
  std::vector<bool> on_path(edges.size(), false);
  std::function<bool(int)> visit = [&](int stage) {
    if (visited[stage]) return false;
    visited[stage] = true;
    on_path[stage] = true;
    for (int dep : edges[stage]) {
      if (on_path[dep] || visit(dep)) return true;
    }
    on_path[stage] = false;
    return false;
  };
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (visit(static_cast<int>(i))) return static_cast<int>(i);
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
