#include "cli/lock_support.hpp"

#include "backend/build/lockfile_io.hpp"
#include "backend/registry/credentials.hpp"
#include "planner/debian/lockfile.hpp"
#include "planner/rewrite/base_env_packages.hpp"
#include "support/atomic_file.hpp"

#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace distill::cli {

std::filesystem::path lockfile_path(const std::filesystem::path& dockerfile) {
  const auto dir = dockerfile.parent_path();
  return (dir.empty() ? std::filesystem::path(".") : dir) / "distill.lock";
}

std::string lock_inputs_hash(const LoadedPlan& loaded, const LockSettings& settings) {
  std::map<std::string, std::string> inputs{
      {"plan-inputs", loaded.inputs_hash},
      {"mirror", settings.mirror},
      {"security-mirror", settings.security_mirror},
      {"snapshot", settings.snapshot},
      {"build-contexts", fmt::format("{}", fmt::join(settings.build_contexts, "\n"))},
      {"profile", settings.minimal ? "minimal" : "compat"},
  };
  return planner::debian::inputs_hash(inputs);
}

namespace {

backend::build::LockRequest lock_request(const LoadedPlan& loaded, const LockSettings& settings,
                                         backend::fetch::Fetcher& fetcher, const backend::fetch::Cache& cache,
                                         Progress& progress) {
  backend::archive::MirrorOverride mirrors;
  if (!settings.mirror.empty()) {
    mirrors.mirrors.push_back(settings.mirror);
  }
  if (!settings.security_mirror.empty()) {
    mirrors.security_mirrors.push_back(settings.security_mirror);
  }
  if (!settings.snapshot.empty()) {
    mirrors.snapshot = settings.snapshot;
  }
  if (!settings.keyring.empty()) {
    mirrors.keyrings.push_back(settings.keyring);
  }
  backend::build::LockRequest request;
  request.plan = &loaded.plan;
  request.sources = backend::archive::sources_context_from_env(mirrors, settings.context);
  request.fetcher = &fetcher;
  request.cache = &cache;
  request.minimal = settings.minimal;
  request.platform = settings.platform;
  request.registry.insecure_registries = settings.insecure_registries;
  request.registry.mirrors = settings.registry_mirrors;
  request.registry.auth_files = backend::registry::auth_files_from_env();
  request.log = [&progress](std::string_view line) { progress.line(line); };
  request.expand_base_env = planner::rewrite::expand_base_env_packages;
  request.closure_packages = settings.closure_packages;
  return request;
}

} // namespace

support::Result<LockOutcome> resolve_or_read_lock(const LoadedPlan& loaded, const LockSettings& settings,
                                                  backend::fetch::Fetcher& fetcher,
                                                  const backend::fetch::Cache& cache, Progress& progress) {
  const auto path = lockfile_path(settings.dockerfile);
  const auto hash = lock_inputs_hash(loaded, settings);
  std::error_code ec;
  if (!settings.update && std::filesystem::exists(path, ec)) {
    auto text = support::read_file(path);
    if (!text) {
      return std::unexpected(text.error());
    }
    auto lockfile = planner::debian::parse_lockfile(*text, path.string());
    if (!lockfile) {
      return std::unexpected(lockfile.error());
    }
    if (lockfile->inputs_hash == hash) {
      auto lock = backend::build::from_lockfile(loaded.plan, *lockfile, settings.minimal);
      if (!lock) {
        return std::unexpected(lock.error());
      }
      progress.line(fmt::format("using {}", path.string()));
      return LockOutcome{std::move(*lock), false, true};
    }
    if (settings.locked) {
      return support::fail("{} is stale: the Dockerfile, build arguments or options changed since it was "
                           "written (run 'distill lock', or build without --locked)",
                           path.string());
    }
  } else if (settings.locked) {
    return support::fail("{} does not exist and --locked forbids creating it (run 'distill lock')", path.string());
  }
  auto lock = backend::build::lock_plan(lock_request(loaded, settings, fetcher, cache, progress));
  if (!lock) {
    return std::unexpected(lock.error());
  }
  LockOutcome outcome{std::move(*lock), false, false};
  const bool has_packages = !outcome.lock.stages.empty();
  if (has_packages) {
    const auto lockfile = backend::build::to_lockfile(loaded.plan, outcome.lock, hash);
    if (auto written = support::write_file_atomic(path, planner::debian::to_json(lockfile)); !written) {
      return std::unexpected(written.error());
    }
    outcome.written = true;
    progress.line(fmt::format("wrote {}", path.string()));
  }
  return outcome;
}

support::Result<std::vector<backend::build::LockedPackage>> compat_base_packages(
    const LoadedPlan& loaded, const LockSettings& settings, int stage_index, backend::fetch::Fetcher& fetcher,
    const backend::fetch::Cache& cache, Progress& progress) {
  auto request = lock_request(loaded, settings, fetcher, cache, progress);
  request.minimal = false;
  request.closure_packages.clear();
  auto lock = backend::build::lock_plan(request);
  if (!lock) {
    return std::unexpected(lock.error());
  }
  auto stage = lock->stages.find(stage_index);
  if (stage == lock->stages.end()) {
    return std::vector<backend::build::LockedPackage>{};
  }
  backend::build::PlanLock base;
  base.stages[stage_index].base = stage->second.base;
  if (auto fetched = backend::build::fetch_packages(base, fetcher, cache); !fetched) {
    return std::unexpected(fetched.error());
  }
  return std::move(base.stages[stage_index].base);
}

} // namespace distill::cli
