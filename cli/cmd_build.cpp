#include "cli/commands.hpp"

#include "backend/build/closure_check.hpp"
#include "backend/build/closure_providers.hpp"
#include "backend/build/package_exec.hpp"
#include "backend/build/executor.hpp"
#include "backend/build/lock_plan.hpp"
#include "backend/fetch/cache.hpp"
#include "backend/fetch/curl_fetcher.hpp"
#include "backend/oci/image_writer.hpp"
#include "backend/oci/layout.hpp"
#include "backend/registry/named_context.hpp"
#include "cli/build_args.hpp"
#include "cli/build_outputs.hpp"
#include "cli/context_ignore.hpp"
#include "cli/load_plan.hpp"
#include "cli/lock_support.hpp"
#include "cli/progress.hpp"
#include "cli/registry_push.hpp"
#include "planner/plan_json.hpp"
#include "planner/shell/program_names.hpp"
#include "support/atomic_file.hpp"
#include "support/diagnostic.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <cstdlib>
#include <filesystem>
#include <utility>

#include <fmt/format.h>

namespace distill::cli {

namespace {

using backend::build::BuildOptions;

void print_error(const support::Error& error, const support::SourceFile& file) {
  support::Diagnostic diagnostic{support::Severity::error, "", error.where.value_or(support::SourceRange{}),
                                 error.message, ""};
  fmt::print(stderr, "{}", support::render(diagnostic, file));
}

// A fresh directory below `parent`, removed with everything in it on destruction.
class ScratchDir {
public:
  static support::Result<ScratchDir> make(const std::filesystem::path& parent) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    std::string pattern = (parent / "build-XXXXXX").string();
    if (ec || ::mkdtemp(pattern.data()) == nullptr) {
      return support::fail("cannot create a spool directory in {}", parent.string());
    }
    return ScratchDir(pattern);
  }
  ScratchDir(ScratchDir&& other) noexcept : m_path(std::exchange(other.m_path, {})) {}
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    if (!m_path.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(m_path, ec);
    }
  }
  const std::filesystem::path& path() const { return m_path; }

private:
  explicit ScratchDir(std::filesystem::path path) : m_path(std::move(path)) {}
  std::filesystem::path m_path;
};

// Pushes to every -t name with --push and to every -o type=image,name=N,push=true.
support::Result<void> push_outputs(const BuildOptions& options, const std::filesystem::path& layout,
                                   const backend::oci::Descriptor& manifest, Progress& progress) {
  std::vector<std::string> names;
  if (options.push) {
    if (options.tags.empty()) {
      return support::fail("--push needs a name to push to: add -t REGISTRY/REPOSITORY:TAG");
    }
    names = options.tags;
  }
  for (const auto& output : options.outputs) {
    if (output.type == backend::build::OutputType::image) {
      if (output.name.empty()) {
        return support::fail("-o type=image needs name=REGISTRY/REPOSITORY:TAG");
      }
      if (output.push) {
        names.push_back(output.name);
      }
    }
  }
  if (names.empty()) {
    return {};
  }
  RegistryFlags flags{options.insecure_registries, options.registry_mirrors};
  auto pushed = push_names(layout, manifest, names, flags, [&](std::string_view line) { progress.line(line); });
  if (!pushed) {
    return std::unexpected(pushed.error());
  }
  return {};
}

int build(const BuildOptions& options) {
  Progress progress(options.progress);
  auto loaded = load_plan({options.dockerfile, options.build_args, options.target, options.platform});
  if (!loaded) {
    return 1;
  }
  const auto& file = loaded->file;
  std::vector<backend::registry::NamedContext> contexts;
  for (const auto& argument : options.build_contexts) {
    auto context = backend::registry::parse_named_context(argument);
    if (!context) {
      fmt::print(stderr, "distill build: --build-context: {}\n", context.error().message);
      return 2;
    }
    contexts.push_back(std::move(*context));
  }
  if (auto applied = backend::registry::apply_named_contexts(loaded->plan, contexts); !applied) {
    print_error(applied.error(), file);
    return 1;
  }
  auto cache = backend::fetch::Cache::open(options.cache_dir, options.offline);
  if (!cache) {
    print_error(cache.error(), file);
    return 1;
  }
  auto fetcher = backend::fetch::make_curl_fetcher();

  // The time of every file and of the config: SOURCE_DATE_EPOCH, else 0;
  // never the clock.
  const std::int64_t epoch = options.source_date_epoch.value_or(0);

  auto layout = options.store_dir;
  if (auto made = backend::oci::init_layout(layout); !made) {
    print_error(made.error(), file);
    return 1;
  }
  auto ignore = context_ignore(options.context, options.dockerfile);
  if (!ignore) {
    print_error(ignore.error(), file);
    return 1;
  }
  LockSettings settings{options.dockerfile, options.context, options.mirror, options.keyring, options.minimal,
                        options.offline, options.locked, false, options.cache_dir,
                        options.security_mirror, options.snapshot, options.platform,
                        options.insecure_registries, options.registry_mirrors, options.build_contexts, {}};
  const int target = loaded->plan.stages.at(static_cast<std::size_t>(loaded->plan.target)).index;
  // The package trees refer to the spool directory until the image and the
  // checks are done; one per pass, removed when it is over.
  std::optional<ScratchDir> spool;
  std::optional<backend::build::BuiltStage> built;
  // What reads the image's files: they are loaded from the store only then.
  auto files = [&]() -> support::Result<const backend::fs::Tree*> {
    if (auto loaded_files = backend::build::load_stage_files(*built, layout, spool->path()); !loaded_files) {
      return std::unexpected(loaded_files.error());
    }
    return &built->rootfs;
  };
  // --minimal: what the image's files need and no package brought is added
  // to the final stage's minimal base, and the build is done again (from the
  // layer cache but for the new packages). A few passes at most: an added
  // package's own files are trusted to its Depends.
  constexpr int k_closure_passes = 3;
  for (int pass = 1;; ++pass) {
    // Resolve the packages (or read distill.lock) and fetch the .debs.
    auto outcome = resolve_or_read_lock(*loaded, settings, *fetcher, *cache, progress);
    if (!outcome) {
      print_error(outcome.error(), file);
      return 1;
    }
    auto lock = &outcome->lock;
    if (auto fetched = backend::build::fetch_packages(*lock, *fetcher, *cache, progress.fetch_callback());
        !fetched) {
      print_error(fetched.error(), file);
      return 1;
    }
    progress.end_fetch();

    built.reset();
    spool.reset();
    auto scratch = ScratchDir::make(options.cache_dir / "spool");
    if (!scratch) {
      print_error(scratch.error(), file);
      return 1;
    }
    spool.emplace(std::move(*scratch));
    backend::build::ExecutorInputs inputs;
    inputs.spool_dir = spool->path();
    inputs.plan = &loaded->plan;
    inputs.options = &options;
    inputs.context = {options.context, *ignore};
    inputs.packages = lock->stages;
    inputs.epoch = epoch;
    inputs.layout = layout;
    inputs.cache = &*cache;
    inputs.fetcher = fetcher.get();
    inputs.file_name = file.name;
    inputs.log = [&](std::string_view line) { progress.line(line); };
    inputs.step_output = [&](std::string_view text) { progress.output(text); };
    inputs.fingerprint = planner::op_fingerprint;
    inputs.warn = [&](const support::Diagnostic& warning) { fmt::print(stderr, "{}", support::render(warning, file)); };
    auto executed = backend::build::execute_plan(inputs);
    if (!executed) {
      print_error(executed.error(), file);
      return 1;
    }
    built.emplace(std::move(*executed));
    for (const auto& finding : built->unmodelled_scripts) {
      progress.line(fmt::format("note: maintainer script not modelled: {}", finding));
    }
    if (!options.minimal) {
      break;
    }
    auto rootfs = files();
    if (!rootfs) {
      print_error(rootfs.error(), file);
      return 1;
    }
    backend::build::ClosureOptions closure_options;
    closure_options.script_programs = planner::shell::program_names;
    auto problems = backend::build::check_closure(**rootfs, built->config, closure_options);
    if (problems.empty()) {
      break;
    }
    // Which packages of the compat image ship what is missing.
    std::vector<std::string> reasons;
    if (!options.locked && pass < k_closure_passes && lock->stages.contains(target)) {
      auto candidates = compat_base_packages(*loaded, settings, target, *fetcher, *cache, progress);
      if (!candidates) {
        print_error(candidates.error(), file);
        return 1;
      }
      auto additions = backend::build::closure_additions(problems, *candidates,
                                                         backend::build::merged_usr(lock->stages.at(target)));
      if (!additions) {
        print_error(additions.error(), file);
        return 1;
      }
      auto& added = settings.closure_packages[target];
      std::size_t before = added.size();
      for (const auto& name : additions->packages) {
        if (std::ranges::find(added, name) == added.end()) {
          added.push_back(name);
        }
      }
      if (added.size() > before && additions->unresolved.empty()) {
        for (const auto& reason : additions->reasons) {
          progress.line(fmt::format("--minimal adds {}", reason));
        }
        settings.update = true; // resolve again with the additions, and keep them in distill.lock
        continue;
      }
      problems = additions->unresolved.empty() ? problems : additions->unresolved;
    }
    fmt::print(stderr, "distill build: error: the --minimal image lacks what its files need:\n");
    for (const auto& problem : problems) {
      fmt::print(stderr, "  {}: needs {} ({})\n", problem.path, problem.missing, problem.why);
    }
    fmt::print(stderr, "{}\n", options.locked
                                    ? "build without --locked so that --minimal may add the packages that provide "
                                      "them, or add them to an apt-get install in the final stage"
                                    : "no package of the release's base set provides them: add the packages that do "
                                      "to an apt-get install in the final stage, or build without --minimal");
    return 1;
  }
  auto image = backend::oci::write_image(layout, built->config, built->layers, built->annotations);
  if (!image) {
    print_error(image.error(), file);
    return 1;
  }
  auto written = write_outputs(options, layout, *image, *built, files);
  if (!written) {
    print_error(written.error(), file);
    return 1;
  }
  if (auto pushed = push_outputs(options, layout, image->manifest, progress); !pushed) {
    print_error(pushed.error(), file);
    return 1;
  }
  return 0;
}

} // namespace

int run_build(const Args& args) {
  auto parsed = parse_build_args(args);
  if (auto* help = std::get_if<HelpRequested>(&parsed)) {
    fmt::print("{}", help->text);
    return 0;
  }
  if (auto* usage = std::get_if<UsageError>(&parsed)) {
    fmt::print(stderr, "distill build: {}\n(see 'distill build --help')\n", usage->message);
    return 2;
  }
  return build(std::get<BuildOptions>(parsed));
}

} // namespace distill::cli
