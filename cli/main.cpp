#include "backend/fetch/curl_handles.hpp"
#include "cli/commands.hpp"

#include <cstdio>
#include <exception>
#include <string_view>

#include <fmt/format.h>

namespace {

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(const distill::cli::Args&);
};

constexpr Command k_commands[] = {
    {"build", "build an image from a Dockerfile", distill::cli::run_build},
    {"images", "list the images in the local store", distill::cli::run_images},
    {"push", "push an image from the local store to a registry", distill::cli::run_push},
    {"lint", "find what makes a Dockerfile unreproducible, unsafe or bloated", distill::cli::run_lint},
    {"plan", "show the build plan and which RUN steps were rewritten", distill::cli::run_plan},
    {"lock", "resolve packages and write distill.lock", distill::cli::run_lock},
    {"migrate", "rewrite a Dockerfile into a pinned form", distill::cli::run_migrate},
    {"verify", "rebuild from the lockfile and compare digests", distill::cli::run_verify},
    {"parse", "parse a Dockerfile and print its syntax tree", distill::cli::run_parse},
};

void print_usage(std::FILE* out) {
  fmt::print(out, "usage: distill <command> [options]\n\ncommands:\n");
  for (const auto& command : k_commands) {
    fmt::print(out, "  {:<9} {}\n", command.name, command.summary);
  }
  fmt::print(out, "\nRun 'distill <command> --help' for a command's options.\n");
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  // libcurl's global state is set up once, before any thread exists.
  auto curl = distill::backend::fetch::CurlGlobal::init();
  if (!curl) {
    fmt::print(stderr, "distill: {}\n", curl.error().message);
    return 1;
  }
  const std::string_view name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") {
    print_usage(stdout);
    return 0;
  }
  if (name == "--version" || name == "version") {
    fmt::print("distill 0.1.0\n");
    return 0;
  }
  for (const auto& command : k_commands) {
    if (command.name == name) {
      distill::cli::Args args(argv + 2, argv + argc);
      try {
        return command.run(args);
      } catch (const std::exception& e) {
        // Commands report failures as values; reaching this is a bug.
        fmt::print(stderr, "distill {}: internal error: {}\n", name, e.what());
        return 70;
      }
    }
  }
  fmt::print(stderr, "distill: unknown command '{}'\n\n", name);
  print_usage(stderr);
  return 2;
}
