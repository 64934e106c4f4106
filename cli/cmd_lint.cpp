// distill lint [--format tty|json|sarif|checkstyle|gnu] [--failure-threshold error|warning|info|style|none]
//              [--ignore ID]... [--build-arg K=V]... [--target S] FILE... | -

#include "cli/build_args.hpp"
#include "cli/commands.hpp"
#include "cli/lint_printers.hpp"
#include "planner/lint/lint.hpp"
#include "support/atomic_file.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
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
    "usage: distill lint [--format tty|json|sarif|checkstyle|gnu] [--failure-threshold error|warning|info|style|none]\n"
    "                    [--ignore ID]... [--build-arg K=V]... [--target S] FILE... | -";

struct LintCommandOptions {
  std::vector<std::string> files;
  LintFormat format = LintFormat::tty;
  std::optional<support::Severity> threshold = support::Severity::info; // nullopt: never fail
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
      ("ignore", po::value<std::vector<std::string>>(), "a rule id or hadolint alias to drop (repeatable)") //
      ("no-color", "never colour the tty output")                                                      //
      ("build-arg", po::value<std::vector<std::string>>(), "a build argument K=V (repeatable)")          //
      ("target", po::value<std::string>(), "the stage to build (the final stage for final-user-root)");
  return options;
}

int usage_error(const std::string& message) {
  fmt::print(stderr, "distill lint: {}\n{}\nRun 'distill lint --help' for the options.\n", message, k_usage);
  return 2;
}

std::optional<support::Severity> severity_named(std::string_view name) {
  for (auto severity : {support::Severity::error, support::Severity::warning, support::Severity::info,
                        support::Severity::style}) {
    if (support::to_string(severity) == name) return severity;
  }
  return std::nullopt;
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
    if (name == "none") {
      options.threshold = std::nullopt;
    } else if (const auto severity = severity_named(name)) {
      options.threshold = *severity;
    } else {
      status = usage_error(fmt::format("unknown failure threshold '{}': use error, warning, info, style or none", name));
      return std::nullopt;
    }
  }
  if (vm.count("ignore")) {
    // Unknown ids are accepted: hadolint ignore lists name ShellCheck codes and rules distill lacks.
    for (const std::string& id : vm["ignore"].as<std::vector<std::string>>()) options.lint.ignored.push_back(id);
  }
  if (vm.count("build-arg")) {
    for (const std::string& text : vm["build-arg"].as<std::vector<std::string>>()) {
      std::pair<std::string, std::string> pair;
      if (!split_key_value(text, pair, true)) {
        status = usage_error(fmt::format("invalid --build-arg '{}': expected K=V", text));
        return std::nullopt;
      }
      options.lint.build.build_args.push_back(std::move(pair));
    }
  }
  if (vm.count("target")) options.lint.build.target = vm["target"].as<std::string>();
  options.colour = options.format == LintFormat::tty && !vm.count("no-color") && std::getenv("NO_COLOR") == nullptr &&
                   isatty(STDOUT_FILENO) == 1;
  return options;
}

support::Result<std::string> read_input(const std::string& path) {
  if (path == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (std::cin.bad()) return support::fail("reading standard input failed");
    return text;
  }
  return support::read_file(path);
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

} // namespace

int run_lint(const Args& args) {
  int status = 0;
  auto options = parse_options(args, status);
  if (!options) return status;
  std::vector<LintedFile> files;
  bool unreadable = false;
  for (const std::string& path : options->files) {
    auto text = read_input(path);
    if (!text) {
      fmt::print(stderr, "distill lint: {}\n", text.error().message);
      unreadable = true;
      continue;
    }
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
