// distill lint [--format tty|json|sarif|checkstyle|gnu] [--config F] [--failure-threshold error|warning|info|style|none]
//              [--ignore ID]... [--error|--warning|--info|--style ID]... [--trusted-registry R]...
//              [--build-arg K=V]... [--target S] [--context DIR] FILE... | -

#include "backend/registry/reference.hpp"
#include "cli/commands.hpp"
#include "cli/dockerfile_input.hpp"
#include "cli/lint_config.hpp"
#include "cli/lint_printers.hpp"
#include "frontend/dockerignore.hpp"
#include "planner/lint/lint.hpp"
#include "support/atomic_file.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <boost/program_options.hpp>
#include <fmt/format.h>

namespace distill::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* k_usage =
    "usage: distill lint [--format tty|json|sarif|checkstyle|gnu] [--config F]\n"
    "                    [--failure-threshold error|warning|info|style|none] [--ignore ID]...\n"
    "                    [--error|--warning|--info|--style ID]... [--trusted-registry R]...\n"
    "                    [--build-arg K=V]... [--target S] [--context DIR] FILE... | -";

struct LintCommandOptions {
  std::vector<std::string> files;
  LintFormat format = LintFormat::tty;
  std::optional<support::Severity> threshold = support::Severity::info; // nullopt: never fail
  std::optional<std::string> threshold_name;                            // from the command line
  std::optional<std::string> config;                                    // --config
  std::optional<std::filesystem::path> context;                         // --context; default: each file's folder
  planner::lint::LintOptions lint;
  bool colour = false;
};

po::options_description visible_options() {
  po::options_description options("options");
  options.add_options()                                                                                 //
      ("help,h", "show this help")                                                                      //
      ("format,f", po::value<std::string>(), "tty (default), json, sarif, checkstyle or gnu")           //
      ("failure-threshold,t", po::value<std::string>(),
       "lowest severity that gives exit status 1: error, warning, info (default), style, none")         //
      ("config,c", po::value<std::string>(), "the config file (default: .distill.yaml or .hadolint.yaml, "
                                              "searched from the working folder up to the repository root)") //
      ("ignore", po::value<std::vector<std::string>>(), "a rule id or hadolint alias to drop (repeatable)") //
      ("error", po::value<std::vector<std::string>>(), "make this rule an error (repeatable)")              //
      ("warning", po::value<std::vector<std::string>>(), "make this rule a warning (repeatable)")          //
      ("info", po::value<std::vector<std::string>>(), "make this rule info (repeatable)")                  //
      ("style", po::value<std::vector<std::string>>(), "make this rule style (repeatable)")                //
      ("trusted-registry", po::value<std::vector<std::string>>(),
       "a registry base images may come from (repeatable; * wildcards; turns untrusted-registry on)")    //
      ("disable-ignore-pragma", "do not honour inline and global ignore pragmas")                        //
      ("no-color", "never colour the tty output")                                                      //
      ("build-arg", po::value<std::vector<std::string>>(), "a build argument K=V (repeatable)")          //
      ("target", po::value<std::string>(), "the stage to build (the final stage for final-user-root)")    //
      ("context", po::value<std::string>(),
       "the build context whose .dockerignore CopyIgnoredFile reads (default: each Dockerfile's folder)");
  return options;
}

int usage_error(const std::string& message) {
  fmt::print(stderr, "distill lint: {}\n{}\nRun 'distill lint --help' for the options.\n", message, k_usage);
  return 2;
}

std::optional<LintCommandOptions> parse_options(const Args& args, int& status) {
  po::options_description all = visible_options();
  all.add_options()("file", po::value<std::vector<std::string>>(), "Dockerfiles");
  po::positional_options_description positional;
  positional.add("file", -1);
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
    fmt::print("{}\n\nFinds what makes a Dockerfile unreproducible, unsafe or bloated (docs/lint-rules.md).\n"
               "Exit status: 1 when a finding reaches the failure threshold, 2 for bad usage or an\n"
               "unreadable file, 0 otherwise.\n\n{}",
               k_usage, text.str());
    status = 0;
    return std::nullopt;
  }
  LintCommandOptions options;
  if (!vm.count("file")) {
    status = usage_error("no Dockerfile given (use - for standard input)");
    return std::nullopt;
  }
  options.files = vm["file"].as<std::vector<std::string>>();
  if (vm.count("format")) {
    const std::string name = vm["format"].as<std::string>();
    const auto format = lint_format(name);
    if (!format) {
      status = usage_error(fmt::format("unknown format '{}': use tty, json, sarif, checkstyle or gnu", name));
      return std::nullopt;
    }
    options.format = *format;
  }
  if (vm.count("failure-threshold")) {
    const std::string name = vm["failure-threshold"].as<std::string>();
    if (name != "none" && !support::severity_from_string(name)) {
      status = usage_error(fmt::format("unknown failure threshold '{}': use error, warning, info, style or none", name));
      return std::nullopt;
    }
    options.threshold_name = name;
  }
  if (vm.count("config")) options.config = vm["config"].as<std::string>();
  if (vm.count("ignore")) {
    // Unknown ids are accepted: hadolint ignore lists name ShellCheck codes and rules distill lacks.
    for (const std::string& id : vm["ignore"].as<std::vector<std::string>>()) options.lint.ignored.push_back(id);
  }
  for (auto severity : {support::Severity::error, support::Severity::warning, support::Severity::info,
                        support::Severity::style}) {
    const std::string key(support::to_string(severity));
    if (!vm.count(key)) continue;
    for (const std::string& id : vm[key].as<std::vector<std::string>>()) options.lint.overrides.emplace_back(id, severity);
  }
  if (vm.count("trusted-registry")) {
    options.lint.trusted_registries = vm["trusted-registry"].as<std::vector<std::string>>();
  }
  if (vm.count("disable-ignore-pragma")) options.lint.pragmas = false;
  if (vm.count("build-arg")) {
    auto values = parse_build_arg_values(vm["build-arg"].as<std::vector<std::string>>());
    if (!values) {
      status = usage_error(values.error().message);
      return std::nullopt;
    }
    options.lint.build.build_args = std::move(*values);
  }
  if (vm.count("target")) options.lint.build.target = vm["target"].as<std::string>();
  if (vm.count("context")) options.context = vm["context"].as<std::string>();
  options.colour = options.format == LintFormat::tty && !vm.count("no-color") && std::getenv("NO_COLOR") == nullptr &&
                   isatty(STDOUT_FILENO) == 1;
  return options;
}

// Severity order: error > warning > info > style.
int rank(support::Severity severity) {
  switch (severity) {
  case support::Severity::error: return 3;
  case support::Severity::warning: return 2;
  case support::Severity::info: return 1;
  case support::Severity::style: return 0;
  }
  return 0;
}

// Puts the config file under the command line: its lists come first (so a
// later command-line override wins) and its threshold counts only when the
// command line names none. Fails with the file's own error.
support::Result<void> apply_config(LintCommandOptions& options, bool disable_pragma_flag) {
  std::optional<std::filesystem::path> path;
  if (options.config) {
    path = *options.config;
  } else {
    path = find_lint_config(std::filesystem::current_path());
  }
  if (!path) return {};
  auto config = read_lint_config(*path);
  if (!config) return std::unexpected(config.error());
  planner::lint::LintOptions& lint = options.lint;
  lint.ignored.insert(lint.ignored.begin(), config->ignored.begin(), config->ignored.end());
  lint.overrides.insert(lint.overrides.begin(), config->overrides.begin(), config->overrides.end());
  lint.trusted_registries.insert(lint.trusted_registries.begin(), config->trusted_registries.begin(),
                                 config->trusted_registries.end());
  if (!disable_pragma_flag && config->disable_ignore_pragma) lint.pragmas = !*config->disable_ignore_pragma;
  if (!options.threshold_name) options.threshold_name = config->failure_threshold;
  return {};
}

// The .dockerignore of `path`'s build context: --context, else the file's
// folder; none for standard input without --context. Fails on a bad file.
support::Result<std::optional<frontend::IgnoreMatcher>> context_ignore_for(const LintCommandOptions& options,
                                                                           const std::string& path) {
  if (path == "-" && !options.context) return std::nullopt;
  const std::filesystem::path dockerfile = path == "-" ? std::filesystem::path() : std::filesystem::path(path);
  std::filesystem::path context = options.context ? *options.context : dockerfile.parent_path();
  if (context.empty()) context = ".";
  auto matcher = frontend::load_ignore_file(context, dockerfile.empty() ? context / "Dockerfile" : dockerfile);
  if (!matcher) return std::unexpected(matcher.error());
  if (matcher->patterns.empty()) return std::nullopt;
  return std::optional<frontend::IgnoreMatcher>(std::move(*matcher));
}

} // namespace

int run_lint(const Args& args) {
  int status = 0;
  auto options = parse_options(args, status);
  if (!options) return status;
  if (auto applied = apply_config(*options, !options->lint.pragmas); !applied) {
    fmt::print(stderr, "distill lint: {}\n", applied.error().message);
    return 2;
  }
  if (options->threshold_name) {
    options->threshold = *options->threshold_name == "none" ? std::nullopt : support::severity_from_string(*options->threshold_name);
  }
  // Images named without a registry come from the default one; the backend knows its name.
  options->lint.default_registry = std::string(backend::registry::k_default_domain);
  std::vector<LintedFile> files;
  bool unreadable = false;
  for (const std::string& path : options->files) {
    auto text = read_dockerfile(path);
    if (!text) {
      fmt::print(stderr, "distill lint: {}\n", text.error().message);
      unreadable = true;
      continue;
    }
    auto ignore = context_ignore_for(*options, path);
    if (!ignore) {
      fmt::print(stderr, "distill lint: {}\n", ignore.error().message);
      unreadable = true;
      continue;
    }
    options->lint.context_ignore = std::move(*ignore);
    LintedFile linted{support::SourceFile{path, std::move(*text)}, {}};
    linted.findings = planner::lint::lint(linted.file, options->lint);
    files.push_back(std::move(linted));
  }
  const std::string report = format_lint(options->format, files, options->colour);
  std::fwrite(report.data(), 1, report.size(), stdout);
  std::fflush(stdout);
  if (unreadable) return 2;
  if (!options->threshold) return 0;
  for (const LintedFile& linted : files) {
    for (const support::Diagnostic& finding : linted.findings) {
      if (rank(finding.severity) >= rank(*options->threshold)) return 1;
    }
  }
  return 0;
}

} // namespace distill::cli
