// distill push NAME[:TAG] [DESTINATION]: an image of the local store to a registry.

#include "cli/commands.hpp"

#include "backend/build/build_options.hpp"
#include "backend/oci/layout.hpp"
#include "cli/build_outputs.hpp"
#include "cli/registry_push.hpp"

#include <cstdio>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

namespace distill::cli {

namespace po = boost::program_options;

int run_push(const Args& args) {
  po::options_description visible("usage: distill push [options] NAME[:TAG] [DESTINATION]\n\n"
                                  "Pushes an image of the local store (a tag given to distill build -t) to its\n"
                                  "registry, or to DESTINATION (another NAME:TAG).\n\noptions");
  RegistryFlags flags;
  std::vector<std::string> positional_args;
  std::string store;
  bool quiet = false;
  visible.add_options()
    ("help,h", "show this help")
    ("insecure-registry", po::value(&flags.insecure_registries)->composing(),
     "HOST[:PORT] to reach over plain HTTP or unverified TLS (repeatable)")
    ("store", po::value(&store), "the local store (default: $XDG_DATA_HOME/distill/store)")
    ("quiet,q", po::bool_switch(&quiet), "print only the digest");
  po::options_description hidden;
  hidden.add_options()("names", po::value(&positional_args)->composing());
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description positional;
  positional.add("names", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    fmt::print(stderr, "distill push: {}\n(see 'distill push --help')\n", e.what());
    return 2;
  }
  if (vm.count("help") != 0U) {
    std::ostringstream text;
    text << visible;
    fmt::print("{}", text.str());
    return 0;
  }
  if (positional_args.empty() || positional_args.size() > 2) {
    fmt::print(stderr, "distill push: give NAME[:TAG] and at most one DESTINATION\n(see 'distill push --help')\n");
    return 2;
  }
  const std::filesystem::path layout = store.empty() ? backend::build::default_store_dir() : std::filesystem::path(store);
  // The tag as written first (a store made by other tools), then as distill build -t names it.
  auto tag = positional_args[0];
  auto manifest = backend::oci::resolve_tag(layout, tag);
  if (!manifest && store_tag(tag) != tag) {
    tag = store_tag(tag);
    manifest = backend::oci::resolve_tag(layout, tag);
  }
  if (!manifest) {
    fmt::print(stderr, "distill push: error: {} is not in the local store {}: {}\n(build it with distill build -t {})\n",
               tag, layout.string(), manifest.error().message, positional_args[0]);
    return 1;
  }
  const std::string destination = positional_args.size() == 2 ? positional_args[1] : positional_args[0];
  auto pushed = push_names(layout, *manifest, {destination}, flags, [&](std::string_view line) {
    if (!quiet) {
      fmt::print(stderr, "{}\n", line);
    }
  });
  if (!pushed) {
    fmt::print(stderr, "distill push: error: {}\n", pushed.error().message);
    return 1;
  }
  fmt::print("{}\n", *pushed);
  return 0;
}

} // namespace distill::cli
