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
#include "support/diagnostic.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace distill::backend::build {

// A built stage: what a later stage (FROM, COPY --from) or an output needs.
// Its files are loaded lazily: layers taken from the cache (or a pulled
// image) are read back from the store only when something needs the files,
// so an unchanged build never unpacks anything.
struct BuiltStage {
  fs::Tree rootfs;                                   // layers [0, applied) applied
  std::size_t applied = 0;
  std::vector<oci::ImageLayer> layers;               // bottom first
  std::vector<std::shared_ptr<const fs::Tree>> layer_trees; // one per layer; null until read back
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
  // What an op does, as bytes (planner::op_fingerprint; the backend does not
  // link the planner): the part of a step's cache key that the plan decides.
  // Unset: no step is taken from the layer cache.
  std::function<std::string(const planner::Op&)> fingerprint;
  // Build checks found while building (InvalidBaseImagePlatform); unset: dropped.
  std::function<void(const support::Diagnostic&)> warn;
};

// Applies the layers of `stage` not yet in its rootfs, reading from the
// store at `layout` those whose trees are not in memory (big files go to
// `spool_dir`). Fails on a damaged or missing blob.
support::Result<void> load_stage_files(BuiltStage& stage, const std::filesystem::path& layout,
                                       const std::filesystem::path& spool_dir);

// Builds every stage of the plan up to its target and returns the target.
// Fails with the failing step's source range set.
support::Result<BuiltStage> execute_plan(const ExecutorInputs& inputs);

} // namespace distill::backend::build
