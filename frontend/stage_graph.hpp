#pragma once

// The stage graph of BuildKit's dockerfile2llb: stage lookup by name or
// index, dependencies (base, COPY --from, RUN --mount from=), cycles, and
// which stages the target needs.

#include "frontend/instructions.hpp"

#include <optional>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

namespace distill::frontend {

// Stage names (lower-case) to the index of the last stage with that name, as
// BuildKit's statesByName map.
using StageNames = std::unordered_map<std::string, int>;

// The names of `stages`.
StageNames index_stage_names(const std::vector<Stage>& stages);

// The stage named `name` (case-insensitive), or -1.
int find_stage_by_name(const StageNames& names, std::string_view name);

// A `--from` value: a stage index (strconv.Atoi), a stage name, or else an
// image or named context (-1). `invalid_index` when it is a number out of range.
struct StageReference {
  int stage = -1;
  bool invalid_index = false;
  long long index = 0; // the number written, when it is one
};
StageReference resolve_copy_from(std::size_t stage_count, const StageNames& names, std::string_view from);

// The first stage, in file order, from which following the `edges` (stage ->
// stages it copies or mounts from; bases are not edges, as in BuildKit) leads
// into a cycle; nullopt when there is none.
std::optional<int> find_cycle(const std::vector<std::vector<int>>& edges);

// Marks Stage::needed for every stage reachable from `target` through bases
// and dependencies.
void mark_needed(std::vector<Stage>& stages, int target);

} // namespace distill::frontend
