#include "cli/commands.hpp"

#include "backend/build/build_options.hpp"
#include "backend/fetch/cache.hpp"
#include "backend/fetch/curl_fetcher.hpp"
#include "cli/load_plan.hpp"
#include "cli/lock_support.hpp"
#include "cli/progress.hpp"
#include "support/diagnostic.hpp"

#include <cstdio>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

namespace distill::cli {

namespace po = boost::program_options;

int run_lock(const Args& args) {
  po::options_description visible("usage: distill lock [options] [CONTEXT]\n\noptions");
  std::string dockerfile, context = ".", target, mirror, keyring, security_mirror, snapshot;
  std::vector<std::string> build_args, update;
  bool minimal = false;
  visible.add_options()
    ("help,h", "show this help")
    ("file,f", po::value(&dockerfile), "the Dockerfile (default: CONTEXT/Dockerfile)")
    ("target", po::value(&target), "the stage to lock")
    ("build-arg", po::value(&build_args)->composing(), "set a build-time variable K=V")
    ("update", po::value(&update)->multitoken()->zero_tokens()->composing(),
     "resolve again even if distill.lock fits (all packages)")
    ("minimal", po::bool_switch(&minimal), "lock for --minimal builds")
    ("mirror", po::value(&mirror), "Debian/Ubuntu mirror URL")
    ("security-mirror", po::value(&security_mirror), "archive of <release>-security (Debian)")
    ("snapshot", po::value(&snapshot), "frozen archive URL; {archive} = the mirror's last path part")
    ("keyring", po::value(&keyring), "OpenPGP keyring to verify the archive with");
  po::options_description hidden;
  hidden.add_options()("context", po::value(&context));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  positional.add("context", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    fmt::print(stderr, "distill lock: {}\n", e.what());
    return 2;
  }
  if (vm.count("help") != 0U) {
    std::ostringstream text;
    text << visible;
    fmt::print("{}", text.str());
    return 0;
  }
  if (!update.empty()) {
    fmt::print(stderr, "distill lock: updating single packages is not supported yet; use --update alone to "
                       "resolve everything again\n");
    return 2;
  }
  PlanInputs inputs;
  inputs.dockerfile = dockerfile.empty() ? std::filesystem::path(context) / "Dockerfile" : std::filesystem::path(dockerfile);
  inputs.target = target;
  for (const auto& arg : build_args) {
    const auto equals = arg.find('=');
    if (equals == 0 || equals == std::string::npos) {
      fmt::print(stderr, "distill lock: invalid --build-arg '{}' (use KEY=VALUE)\n", arg);
      return 2;
    }
    inputs.build_args.emplace_back(arg.substr(0, equals), arg.substr(equals + 1));
  }
  auto loaded = load_plan(inputs);
  if (!loaded) {
    return 1;
  }
  Progress progress(backend::build::ProgressMode::auto_);
  auto cache = backend::fetch::Cache::open(backend::build::default_cache_dir());
  if (!cache) {
    fmt::print(stderr, "error: {}\n", cache.error().message);
    return 1;
  }
  auto fetcher = backend::fetch::make_curl_fetcher();
  LockSettings settings{inputs.dockerfile, context, mirror, keyring, minimal, false, false,
                        vm.count("update") != 0U, backend::build::default_cache_dir(), security_mirror,
                        snapshot, "linux/amd64", {}, {}, {}, {}};
  auto outcome = resolve_or_read_lock(*loaded, settings, *fetcher, *cache, progress);
  if (!outcome) {
    support::Diagnostic diagnostic{support::Severity::error, "",
                                   outcome.error().where.value_or(support::SourceRange{}),
                                   outcome.error().message, ""};
    fmt::print(stderr, "{}", support::render(diagnostic, loaded->file));
    return 1;
  }
  if (outcome->reused) {
    fmt::print("{} is up to date\n", lockfile_path(inputs.dockerfile).string());
  } else if (!outcome->written) {
    fmt::print("no packages to lock\n");
  }
  return 0;
}

} // namespace distill::cli
