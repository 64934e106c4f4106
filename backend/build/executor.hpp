#pragma once

// Executes a locked plan into image layers and configs: each stage starts
// from its base and applies its steps in order; every step that changes files
// becomes one deterministic layer written into the store's blob directory.

#include "backend/build/build_context.hpp"
#include "backend/build/build_options.hpp"
#include "backend/build/locked_packages.hpp"
#include "backend/fetch/cache.hpp"
#include "backend/fetch/fetcher.hpp"
#include "backend/fs/tree.hpp"
#include "backend/oci/image_config.hpp"
#include "backend/oci/image_writer.hpp"
#include "planner/ir.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace distill::backend::build {

// A built stage: what a later stage (FROM, COPY --from) or an output needs.
struct BuiltStage {
  fs::Tree rootfs;                                   // all layers applied
  std::vector<oci::ImageLayer> layers;               // bottom first
  std::vector<std::shared_ptr<const fs::Tree>> layer_trees; // one per layer
  oci::ImageConfig config;
  std::map<std::string, std::string> annotations;    // org.opencontainers.image.base.*
  std::vector<std::string> unmodelled_scripts;       // "pkg: what its postinst does"
  std::vector<LockedPackage> packages;               // installed packages (for the SBOM)
};

struct ExecutorInputs {
  const planner::Plan* plan = nullptr;
  const BuildOptions* options = nullptr;
  BuildContext context;
  std::map<int, StagePackages> packages; // by stage index: locked and fetched .debs
  std::int64_t epoch = 0;                // SOURCE_DATE_EPOCH
  std::filesystem::path layout;          // the OCI layout receiving blobs
  // The download cache and fetcher of the build (pulled bases, ADD <url>).
  const fetch::Cache* cache = nullptr;
  fetch::Fetcher* fetcher = nullptr;
  // Big package files are spooled here while the build runs (the trees refer
  // to them); the caller removes it afterwards. Empty: kept in memory.
  std::filesystem::path spool_dir;
  std::string file_name = "Dockerfile";  // for "Dockerfile:LINE: ..." messages
  std::function<void(std::string_view)> log;  // one line of progress, no newline
  std::function<void(std::string_view)> step_output; // RUN output as it comes
};

// Builds every stage of the plan up to its target and returns the target.
// Fails with the failing step's source range set.
support::Result<BuiltStage> execute_plan(const ExecutorInputs& inputs);

} // namespace distill::backend::build
