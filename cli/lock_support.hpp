#pragma once

// distill.lock for build and lock: where it lives, whether it still fits
// the Dockerfile, and resolving or reading it.

#include "backend/build/lock_plan.hpp"
#include "cli/load_plan.hpp"
#include "cli/progress.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace distill::cli {

struct LockSettings {
  std::filesystem::path dockerfile;
  std::filesystem::path context;
  std::string mirror;
  std::filesystem::path keyring;
  bool minimal = false;
  bool offline = false;
  bool locked = false; // fail rather than write a new lock
  bool update = false; // resolve again even when the lock fits
  std::filesystem::path cache_dir;
  std::string security_mirror; // --security-mirror URL: <release>-security
  std::string snapshot;        // --snapshot URL: every archive frozen
  // Pulled bases: the platform and the registry flags of the build.
  std::string platform;
  std::vector<std::string> insecure_registries;
  std::vector<std::string> registry_mirrors;
  std::vector<std::string> build_contexts; // part of the inputs: they change what FROM names
  // --minimal: packages added to a stage's minimal base because the image's
  // files need them (by stage index). Not part of the inputs hash: the lock
  // written with them serves the next build of the same Dockerfile.
  std::map<int, std::vector<std::string>> closure_packages;
};

// distill.lock next to the Dockerfile.
std::filesystem::path lockfile_path(const std::filesystem::path& dockerfile);

// The hash of everything a lock is resolved from.
std::string lock_inputs_hash(const LoadedPlan& loaded, const LockSettings& settings);

struct LockOutcome {
  backend::build::PlanLock lock;
  bool written = false; // a new distill.lock was written
  bool reused = false;  // the existing lock fit and was used
};

// Uses distill.lock when it fits the inputs, else resolves (and writes the
// lock unless `locked`, which fails instead). Fetches nothing but indexes.
support::Result<LockOutcome> resolve_or_read_lock(const LoadedPlan& loaded, const LockSettings& settings,
                                                  backend::fetch::Fetcher& fetcher,
                                                  const backend::fetch::Cache& cache, Progress& progress);

// The packages the compat image of stage `stage_index` holds (its base set,
// resolved as without --minimal) with their .debs fetched: where --minimal
// looks for what the image's files need.
support::Result<std::vector<backend::build::LockedPackage>> compat_base_packages(
    const LoadedPlan& loaded, const LockSettings& settings, int stage_index, backend::fetch::Fetcher& fetcher,
    const backend::fetch::Cache& cache, Progress& progress);

} // namespace distill::cli
