#pragma once

// Executes one RUN step (planner::Run) rootlessly and returns what it changed
// as a layer tree with OCI whiteouts, ready for the layer writer. Steps whose
// inputs match a cached run are not executed again.

#include "backend/fs/tree.hpp"
#include "backend/sandbox/id_map.hpp"
#include "backend/sandbox/run_mounts.hpp"
#include "backend/sandbox/sandbox.hpp"
#include "planner/ir.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::sandbox {

// One layer of the stage below the step. `tree` is needed only the first
// time: it is unpacked into <cache>/layers/<digest>/ and reused from there.
struct LowerLayer {
  std::string digest;
  const fs::Tree* tree = nullptr;
};

struct StepOptions {
  std::filesystem::path cache_dir;   // layers/, run-cache/, steps/, work/ live here
  std::vector<LowerLayer> layers;    // bottom first
  BindSources binds;                 // RUN --mount=type=bind sources
  std::vector<SecretSource> secrets; // --secret
  std::string default_network = "default"; // for RUN without --network: "default" | "none"
  bool no_cache = false;             // run even when a cached result exists
  IdMapMode id_map = IdMapMode::automatic;
  RootfsMode rootfs = RootfsMode::automatic;
  std::function<void(std::string_view)> on_output; // the step's stdout+stderr, as it comes
  std::string file_name = "Dockerfile"; // for "Dockerfile:LINE: RUN failed ..."
};

struct StepResult {
  fs::Tree layer;                     // contents read from capture_dir
  std::filesystem::path capture_dir;  // <cache>/steps/<key>; keep it while the tree is used
  std::string cache_key;
  bool cache_hit = false;
  bool used_overlay = false;          // false: the copy fallback ran (or a cache hit)
};

// Runs `run` over the given layers. Fails with "Dockerfile:LINE: RUN failed
// with exit code N" and the last 20 lines of output when the command fails,
// or with the reason the sandbox could not be set up; the error's `where` is
// the step's first source range.
support::Result<StepResult> run_step(const planner::Run& run, const StepOptions& options);

} // namespace distill::backend::sandbox
