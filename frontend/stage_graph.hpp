#pragma once

// The stage graph of BuildKit's dockerfile2llb: stage lookup by name or
// index, dependencies (base, COPY --from, RUN --mount from=), cycles, and
// which stages the target needs.

#include "frontend/instructions.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace distill::frontend {

// The last stage among stages[0, limit) named `name` (case-insensitive), or -1.
int find_stage_by_name(const std::vector<Stage>& stages, std::string_view name, std::size_t limit);

// A `--from` value: a stage index (strconv.Atoi), a stage name, or else an
// image or named context (-1). `invalid_index` when it is a number out of range.
struct StageReference {
  int stage = -1;
  bool invalid_index = false;
  long long index = 0; // the number written, when it is one
};
StageReference resolve_copy_from(const std::vector<Stage>& stages, std::string_view from);

// The first stage, in file order, from which following the `edges` (stage ->
// stages it copies or mounts from; bases are not edges, as in BuildKit) leads
// into a cycle; nullopt when there is none.
std::optional<int> find_cycle(const std::vector<std::vector<int>>& edges);

// Marks Stage::needed for every stage reachable from `target` through bases
// and dependencies.
void mark_needed(std::vector<Stage>& stages, int target);

} // namespace distill::frontend
