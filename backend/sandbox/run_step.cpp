#include "backend/sandbox/run_step.hpp"

#include "backend/sandbox/capture_record.hpp"
#include "backend/sandbox/command.hpp"
#include "backend/sandbox/layer_dir.hpp"
#include "backend/sandbox/output_tail.hpp"
#include "backend/sandbox/step_cache.hpp"
#include "backend/sandbox/sys.hpp"
#include "backend/sandbox/userns_remove.hpp"

#include <ctime>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

namespace {

std::string location(const planner::Run& run, const StepOptions& options) {
  if (run.where.empty() || !run.where.front().known()) {
    return options.file_name;
  }
  return options.file_name + ":" + std::to_string(run.where.front().begin.line);
}

Result<bool> own_network(const planner::Run& run, const StepOptions& options) {
  const std::string& mode = run.network.empty() ? options.default_network : run.network;
  if (mode == "none") {
    return true;
  }
  if (mode == "default" || mode == "host" || mode.empty()) {
    return false; // rootless, the host's network is the only one a step can reach
  }
  return fail("invalid network mode \"{}\" (use default or none)", mode);
}

// Holds <dir>.lock while a step uses `dir`, so a later sweep knows it is live.
Fd lock_work_dir(const std::filesystem::path& dir) {
  Fd fd(::open((dir.string() + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (fd.valid()) {
    ::flock(fd.get(), LOCK_EX);
  }
  return fd;
}

void unlock_work_dir(const std::filesystem::path& dir, Fd lock) {
  ::unlink((dir.string() + ".lock").c_str());
  lock.reset();
}

// Removes the scratch directories of steps whose process died (SIGKILL, a
// crash): their lock is free and they are more than a minute old.
void sweep_stale_work(const std::filesystem::path& work_root) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(work_root, ec)) {
    const auto name = entry.path().filename().string();
    if ((!name.starts_with("step-") && !name.starts_with("binds-")) || name.ends_with(".lock")) {
      continue;
    }
    struct stat st {};
    if (::lstat(entry.path().c_str(), &st) != 0 || st.st_mtime > ::time(nullptr) - 60) {
      continue;
    }
    Fd lock(::open((entry.path().string() + ".lock").c_str(), O_RDWR | O_CLOEXEC));
    if (lock.valid() && ::flock(lock.get(), LOCK_EX | LOCK_NB) == 0 &&
        remove_as_sandbox(entry.path())) {
      ::unlink((entry.path().string() + ".lock").c_str());
    }
  }
}

Result<StepResult> load(const std::filesystem::path& dir, const std::string& key, bool hit) {
  auto tree = load_capture(dir);
  if (!tree) {
    return std::unexpected(tree.error());
  }
  StepResult result{std::move(*tree), dir, key, hit, false};
  return result;
}

// Writes the trees of stages that bind mounts read from (and that exist only
// as trees) below `dir`, returning the sources with their directories added.
Result<BindSources> materialize_stages(const planner::Run& run, const BindSources& binds,
                                       const std::filesystem::path& dir) {
  BindSources out = binds;
  for (const auto& m : run.mounts) {
    if (m.type != planner::MountType::bind || m.from_stage < 0 || out.stage_dirs.contains(m.from_stage)) {
      continue;
    }
    const auto tree = binds.stage_trees.find(m.from_stage);
    if (tree == binds.stage_trees.end() || tree->second == nullptr) {
      continue; // prepare_mounts reports it
    }
    const auto stage_dir = dir / ("stage-" + std::to_string(m.from_stage));
    if (auto made = make_dirs(stage_dir, 0755); !made) {
      return std::unexpected(made.error());
    }
    if (auto written = write_tree(*tree->second, stage_dir); !written) {
      return std::unexpected(written.error().context("writing stage " + m.from + " for a bind mount"));
    }
    out.stage_dirs[m.from_stage] = stage_dir;
  }
  return out;
}

Result<StepResult> execute(const planner::Run& run, const StepOptions& options,
                           const std::filesystem::path& scratch) {
  if (run.security == "insecure") {
    return fail("RUN --security=insecure is not supported by the rootless sandbox");
  }
  auto network = own_network(run, options);
  if (!network) {
    return std::unexpected(network.error());
  }
  auto binds = materialize_stages(run, options.binds, scratch);
  if (!binds) {
    return std::unexpected(binds.error());
  }
  auto mounts = prepare_mounts(run, *binds, options.secrets);
  if (!mounts) {
    return std::unexpected(mounts.error());
  }
  auto command = build_command(run);
  if (!command) {
    return std::unexpected(command.error());
  }
  auto maps = plan_id_maps(options.id_map);
  if (!maps) {
    return std::unexpected(maps.error());
  }
  std::vector<std::string> digests;
  for (const auto& layer : options.layers) {
    digests.push_back(layer.digest);
  }
  auto key = step_cache_key(run, digests, *mounts, *network ? "none" : "default", maps->single());
  if (!key) {
    return std::unexpected(key.error());
  }
  if (!options.no_cache) {
    if (const auto cached = find_cached_step(options.cache_dir, *key); !cached.empty()) {
      return load(cached, *key, true);
    }
  }

  sweep_stale_work(options.cache_dir / "work");
  auto work = make_temp_dir(options.cache_dir / "work", "step-");
  if (!work) {
    return std::unexpected(work.error());
  }
  Fd work_lock = lock_work_dir(*work);
  auto capture = make_temp_dir(options.cache_dir / "steps", ".tmp-");
  if (!capture) {
    (void)remove_tree(*work);
    unlock_work_dir(*work, std::move(work_lock));
    return std::unexpected(capture.error());
  }
  SandboxSpec spec;
  spec.maps = *maps;
  spec.cache_dir = options.cache_dir;
  for (const auto& layer : options.layers) {
    spec.layers.emplace_back(layer.digest, layer.tree);
  }
  spec.work_dir = *work;
  spec.capture_dir = *capture;
  spec.rootfs = options.rootfs;
  spec.own_network = *network;
  spec.command = std::move(*command);
  spec.run = &run;
  spec.mounts = std::move(*mounts);

  OutputTail tail;
  auto outcome = run_sandbox(spec, [&](std::string_view chunk) {
    tail.add(chunk);
    if (options.on_output) {
      options.on_output(chunk);
    }
  });
  (void)remove_tree(*work);
  unlock_work_dir(*work, std::move(work_lock));
  if (!outcome || outcome->exit_code != 0) {
    (void)remove_tree(*capture);
  }
  if (!outcome) {
    return std::unexpected(outcome.error());
  }
  if (outcome->exit_code != 0) {
    return fail("{}: RUN failed with exit code {}\n{}", location(run, options), outcome->exit_code,
                tail.text());
  }
  auto stored = store_step(options.cache_dir, *key, *capture);
  if (!stored) {
    (void)remove_tree(*capture);
    return std::unexpected(stored.error());
  }
  auto result = load(*stored, *key, false);
  if (result) {
    result->used_overlay = outcome->used_overlay;
  }
  return result;
}

} // namespace

Result<StepResult> run_step(const planner::Run& run, const StepOptions& options) {
  // Stage trees that bind mounts read are written here for the step's duration.
  auto scratch = make_temp_dir(options.cache_dir / "work", "binds-");
  if (!scratch) {
    return std::unexpected(scratch.error());
  }
  Fd scratch_lock = lock_work_dir(*scratch);
  auto result = execute(run, options, *scratch);
  (void)remove_tree(*scratch);
  unlock_work_dir(*scratch, std::move(scratch_lock));
  if (!result) {
    support::Error error = result.error();
    if (!error.message.starts_with(options.file_name + ":") &&
        !error.message.starts_with("RUN failed")) {
      error = error.context(location(run, options) + ": RUN");
    }
    if (!run.where.empty()) {
      error.where = run.where.front();
    }
    return std::unexpected(error);
  }
  return result;
}

} // namespace distill::backend::sandbox
