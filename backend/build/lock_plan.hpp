#pragma once

// The lock step: for every stage on a distro base, load the suite's verified
// indexes, choose the base package set, resolve each InstallPackages step on
// top of what is installed, and fetch the chosen .debs. A stage on a registry
// image is pulled to lock its digest; when it installs packages, the release
// and installed set come from the image's own os-release and dpkg database,
// and package words that read the image's environment are expanded from its
// config's Env.

#include "backend/archive/sources.hpp"
#include "backend/build/locked_packages.hpp"
#include "backend/fetch/cache.hpp"
#include "backend/fetch/fetcher.hpp"
#include "backend/registry/client.hpp"
#include "planner/debian/lockfile.hpp"
#include "planner/ir.hpp"
#include "support/error.hpp"

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::build {

// Where a stage's packages came from, for the lockfile.
struct SuiteOrigin {
  std::string distro;
  std::string suite;
  std::string archive_uri;
  std::string release_sha256; // the signed InRelease, as cached
  std::int64_t release_date = 0; // its Date field: the default SOURCE_DATE_EPOCH
};

struct PlanLock {
  std::map<int, StagePackages> stages;           // by stage index
  std::map<int, std::vector<SuiteOrigin>> origins; // by stage index
  std::map<int, std::vector<std::vector<std::string>>> reasons; // why, per install step, per package
  std::map<int, std::vector<planner::debian::LockedIndex>> indexes; // the verified Packages files, by stage
  // Install steps whose package words read the base image's Env
  // (planner::BaseEnvWord): the requests they expanded to, by stage and by
  // install step, for the lockfile's `requests`.
  std::map<int, std::map<std::size_t, std::vector<planner::PackageRequest>>> expanded;
};

struct LockRequest {
  const planner::Plan* plan = nullptr;
  archive::SourcesContext sources;
  fetch::Fetcher* fetcher = nullptr;
  const fetch::Cache* cache = nullptr;
  bool minimal = false;
  std::string architecture = "amd64";
  std::string platform;            // for pulled bases; empty: the default
  registry::ClientOptions registry; // for pulled bases
  std::function<void(std::string_view)> log;
  // Expands an install's package words that read the base image's Env
  // (planner::BaseEnvWord) from that Env, giving the requests in their place;
  // `image` names the base for messages. The shell's meaning is the
  // planner's, so the cli wires planner::rewrite::expand_base_env_packages
  // here; unset, such an install is an error.
  std::function<support::Result<std::vector<planner::PackageRequest>>(
      const std::vector<planner::PackageRequest>& packages, const std::vector<std::string>& env,
      std::string_view image)>
      expand_base_env;
  // --minimal: packages a stage's minimal base gets because the image's files
  // need them (by stage index; see closure_providers.hpp).
  std::map<int, std::vector<std::string>> closure_packages;
};

// Resolves the plan's packages; fails naming the stage's FROM or the install
// step when a suite cannot be loaded or a request cannot be satisfied.
support::Result<PlanLock> lock_plan(const LockRequest& request);

// Downloads (or finds in the cache) every .deb of the lock and fills in
// LockedPackage::deb; all downloads run in parallel.
support::Result<void> fetch_packages(PlanLock& lock, fetch::Fetcher& fetcher, const fetch::Cache& cache,
                                     const fetch::ProgressCallback& progress = {});

} // namespace distill::backend::build
