// distill parse [-f Dockerfile] [--json | --dump] [--build-arg K=V]... [--target S] [PATH]

#include "cli/commands.hpp"
#include "cli/dockerfile_input.hpp"
#include "frontend/ast_dump.hpp"
#include "frontend/analysis_json.hpp"
#include "frontend/analyze.hpp"
#include "frontend/ast_json.hpp"
#include "frontend/check_instructions.hpp"
#include "frontend/go_quote.hpp"
#include "frontend/go_strings.hpp"
#include "frontend/parse.hpp"
#include "frontend/suggest.hpp"
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
#include <nlohmann/json.hpp>

namespace distill::cli {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

constexpr const char* k_usage =
    "usage: distill parse [-f Dockerfile] [--json | --dump] [--build-arg K=V]... [--target S] [PATH]";

struct ParseOptions {
  std::string dockerfile; // as the user named it; "-" is standard input
  std::string context = ".";
  bool json = false;
  std::vector<std::pair<std::string, std::string>> build_args;
  std::string target;
};

po::options_description visible_options() {
  po::options_description options("options");
  options.add_options()                                                                          //
      ("help,h", "show this help")                                                               //
      ("file,f", po::value<std::string>(), "the Dockerfile (default: PATH/Dockerfile; - reads stdin)") //
      ("dump", "print BuildKit's AST dump (the default)")                                        //
      ("json", "print the syntax tree with source ranges as JSON")                               //
      ("build-arg", po::value<std::vector<std::string>>(), "a build argument K=V (repeatable)")   //
      ("target", po::value<std::string>(), "the stage to build (must exist)");
  return options;
}

int usage_error(const std::string& message) {
  fmt::print(stderr, "distill parse: {}\n{}\nRun 'distill parse --help' for the options.\n", message, k_usage);
  return 2;
}

// Parses the command line; nullopt after printing help (exit 0) or a usage
// error (exit 2), with the status in `status`.
std::optional<ParseOptions> parse_options(const Args& args, int& status) {
  po::options_description all = visible_options();
  all.add_options()("path", po::value<std::vector<std::string>>(), "build context");
  po::positional_options_description positional;
  positional.add("path", -1);
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
    fmt::print("{}\n\nParses a Dockerfile as docker build (BuildKit) reads it and prints its syntax tree.\n"
               "Errors are printed like a compiler's and give exit status 1.\n\n{}",
               k_usage, text.str());
    status = 0;
    return std::nullopt;
  }
  ParseOptions options;
  if (vm.count("json") && vm.count("dump")) {
    status = usage_error("--json and --dump cannot be used together");
    return std::nullopt;
  }
  options.json = vm.count("json") > 0;
  if (vm.count("path")) {
    const auto& paths = vm["path"].as<std::vector<std::string>>();
    if (paths.size() > 1) {
      status = usage_error("expected at most one PATH, got " + std::to_string(paths.size()));
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
    options.build_args = std::move(*values);
  }
  if (vm.count("target")) {
    options.target = vm["target"].as<std::string>();
  }
  return options;
}

// The stage names (`FROM image AS name`), lower-cased as BuildKit stores them.
std::vector<std::string> stage_names(const frontend::Document& document) {
  std::vector<std::string> names;
  for (const auto& instruction : document.instructions) {
    if (instruction.command == "from" && instruction.args.size() == 3 &&
        frontend::go_to_lower(instruction.args[1].value) == "as") {
      names.push_back(frontend::go_to_lower(instruction.args[2].value));
    }
  }
  return names;
}

void check_target(const frontend::Document& document, const std::string& target, support::DiagnosticSink& sink) {
  if (target.empty()) {
    return;
  }
  const std::vector<std::string> names = stage_names(document);
  for (const std::string& name : names) {
    if (name == frontend::go_to_lower(target)) {
      return;
    }
  }
  const std::vector<std::string_view> options(names.begin(), names.end());
  sink.report({support::Severity::error, "unknown-target", {},
               frontend::with_suggestion(
                   fmt::format("target stage {} could not be found", frontend::go_quote(target)), target, options,
                   false),
               "name a stage defined with FROM ... AS <name>"});
}

// The JSON output: the tree, the options given, and the stage analysis (each
// stage's resolved base, platform, ARGs and ENV after --build-arg) as "analysis".
std::string json_output(const frontend::Document& document, const ParseOptions& options,
                        const frontend::Build& build) {
  nlohmann::json out = nlohmann::json::parse(frontend::ast_to_json(document, -1));
  nlohmann::json build_args = nlohmann::json::object();
  for (const auto& [key, value] : options.build_args) {
    build_args[key] = value;
  }
  out["options"] = {{"build_args", std::move(build_args)}, {"target", options.target}};
  out["analysis"] = nlohmann::json::parse(frontend::analysis_to_json(build));
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

int run_parse(const Args& args) {
  int status = 0;
  const std::optional<ParseOptions> options = parse_options(args, status);
  if (!options) {
    return status;
  }
  const std::string path = dockerfile_path(options->dockerfile, options->context);
  auto text = read_dockerfile(path);
  if (!text) {
    fmt::print(stderr, "distill parse: {}\n", text.error().message);
    return 1;
  }

  support::DiagnosticSink sink;
  const frontend::Document document =
      frontend::parse(support::SourceFile{path == "-" ? "<stdin>" : path, std::move(*text)}, sink);
  frontend::check_instructions(document, sink);
  check_target(document, options->target, sink);
  frontend::Build build;
  if (options->json && !sink.has_errors()) {
    frontend::BuildOptions build_options;
    build_options.build_args = options->build_args;
    build_options.target = options->target;
    build = frontend::analyze(document, build_options, sink);
  }
  for (const auto& diagnostic : sink.diagnostics()) {
    fmt::print(stderr, "{}", support::render(diagnostic, document.file));
  }
  if (sink.has_errors()) {
    return 1;
  }
  if (options->json) {
    fmt::print("{}\n", json_output(document, *options, build));
  } else {
    fmt::print("{}\n", frontend::dump(document));
  }
  return 0;
}

} // namespace distill::cli
