// distill plan [-f Dockerfile] [--json] [--target S] [--build-arg K=V]... [--before] [CONTEXT]

#include "cli/dockerfile_input.hpp"
#include "cli/commands.hpp"
#include "planner/plan_dump.hpp"
#include "planner/plan_json.hpp"
#include "planner/planner.hpp"
#include "support/atomic_file.hpp"
#include "support/diagnostic.hpp"

#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

namespace distill::cli {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

constexpr const char* k_usage =
    "usage: distill plan [-f Dockerfile] [--json] [--target S] [--build-arg K=V]... [--before] [CONTEXT]";

struct PlanCommandOptions {
  std::string dockerfile; // "-" is standard input
  std::string context = ".";
  bool json = false;
  bool before = false;
  frontend::BuildOptions build;
};

po::options_description visible_options() {
  po::options_description options("options");
  options.add_options()                                                                                  //
      ("help,h", "show this help")                                                                       //
      ("file,f", po::value<std::string>(), "the Dockerfile (default: CONTEXT/Dockerfile; - reads stdin)") //
      ("json", "print the plan as JSON (docs/plan-json.md)")                                             //
      ("before", "show the plan as lowered, before the rewrites")                                        //
      ("build-arg", po::value<std::vector<std::string>>(), "a build argument K=V (repeatable)")           //
      ("target", po::value<std::string>(), "the stage to build (default: the last)");
  return options;
}

int usage_error(const std::string& message) {
  fmt::print(stderr, "distill plan: {}\n{}\nRun 'distill plan --help' for the options.\n", message, k_usage);
  return 2;
}

std::optional<PlanCommandOptions> parse_options(const Args& args, int& status) {
  po::options_description all = visible_options();
  all.add_options()("context", po::value<std::vector<std::string>>(), "build context");
  po::positional_options_description positional;
  positional.add("context", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    status = usage_error(e.what());
    return std::nullopt;
  }
  if (vm.count("help")) {
    std::ostringstream text;
    text << visible_options();
    fmt::print("{}\n\nShows the build plan: each op with its Dockerfile line, after the apt and shell-idiom\n"
               "rewrites (--before: as lowered), then how many RUN steps were rewritten fully, partly or\n"
               "kept, and why each kept one stayed shell.\n\n{}",
               k_usage, text.str());
    status = 0;
    return std::nullopt;
  }
  PlanCommandOptions options;
  options.json = vm.count("json") > 0;
  options.before = vm.count("before") > 0;
  if (vm.count("context")) {
    const auto& paths = vm["context"].as<std::vector<std::string>>();
    if (paths.size() > 1) {
      status = usage_error("expected at most one CONTEXT, got " + std::to_string(paths.size()));
      return std::nullopt;
    }
    options.context = paths.front();
  }
  if (vm.count("file")) {
    options.dockerfile = vm["file"].as<std::string>();
  }
  if (vm.count("build-arg")) {
    auto values = parse_build_arg_values(vm["build-arg"].as<std::vector<std::string>>());
    if (!values) {
      status = usage_error(values.error().message);
      return std::nullopt;
    }
    options.build.build_args = std::move(*values);
  }
  if (vm.count("target")) {
    options.build.target = vm["target"].as<std::string>();
  }
  return options;
}

} // namespace

int run_plan(const Args& args) {
  int status = 0;
  const std::optional<PlanCommandOptions> options = parse_options(args, status);
  if (!options) {
    return status;
  }
  const std::string path = dockerfile_path(options->dockerfile, options->context);
  std::error_code ec;
  if (options->dockerfile.empty() && fs::is_regular_file(options->context, ec)) {
    // `distill plan Dockerfile` is a common slip: the argument is the context, as in docker build.
    fmt::print(stderr, "distill plan: {} is a file, not a build context: use -f {} (and the context as the argument)\n",
               options->context, options->context);
    return 2;
  }
  auto text = read_dockerfile(path);
  if (!text) {
    fmt::print(stderr, "distill plan: {}\n", text.error().message);
    return 1;
  }
  const support::SourceFile file{path == "-" ? "<stdin>" : path, std::move(*text)};
  support::DiagnosticSink sink;
  const std::optional<planner::Plan> plan =
      planner::plan_dockerfile(file, options->build, planner::PlanOptions{!options->before}, sink);
  for (const support::Diagnostic& diagnostic : sink.diagnostics()) {
    fmt::print(stderr, "{}", support::render(diagnostic, file));
  }
  if (!plan) {
    return 1;
  }
  if (options->json) {
    fmt::print("{}", planner::plan_to_json(*plan));
    return 0;
  }
  fmt::print("{}", planner::dump_plan(*plan));
  return 0;
}

} // namespace distill::cli
