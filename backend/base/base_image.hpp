#pragma once

// A distro base (FROM debian:bookworm[-slim], or --minimal's package
// closure) turned into layer trees: one layer per package, and one final
// layer with everything maintainer scripts and the official image's build
// would have written (backend/deb/generators, official_files.hpp).
//
// Layer rule (content-stable: a package version yields the same layer in
// every image): with at most k_max_package_layers packages, each package is
// its own layer, ordered by name. With more, binary packages of the same
// Source share a layer (ordered by source name); if that still leaves too
// many, sources are put into k_max_package_layers buckets by the first bytes
// of sha256(source name). Either way a layer's membership depends only on the
// packages themselves, never on the order they were requested in.

#include "backend/base/sources.hpp"
#include "backend/deb/deb_reader.hpp"
#include "backend/deb/generators/accounts.hpp"
#include "backend/deb/generators/context.hpp"

#include <filesystem>
#include <memory>

namespace distill::backend::base {

inline constexpr std::size_t k_max_package_layers = 99; // + the generated layer = 100

// One resolved package with its verified .deb.
struct BasePackage {
  std::string name;
  std::string version;
  std::string arch;
  std::filesystem::path deb;
};

struct BaseOptions {
  std::string distro = "debian"; // "debian" | "ubuntu"
  std::string suite = "bookworm";
  std::string arch = "amd64";  // the image's dpkg architecture
  bool compat = true;          // official-image files and a real dpkg database
  bool slim = false;           // the -slim exclusions
  bool merged_usr = true;      // rewrite /bin, /lib* into /usr and add the links
  std::int64_t epoch = 0;      // SOURCE_DATE_EPOCH for generated files
  SourcesConfig sources;       // mirror for debian.sources (compat)
  std::filesystem::path spool_dir; // big file contents (see deb::ReadOptions)
  deb::generators::AccountRequests accounts; // the plan's users and groups
  unsigned threads = 2;        // packages unpacked in parallel
};

struct PackageLayer {
  std::vector<std::string> packages; // names in this layer
  fs::Tree tree;
};

struct BaseLayers {
  std::vector<PackageLayer> layers;  // in stacking order
  fs::Tree generated;                // the final layer
  std::vector<deb::generators::Finding> findings; // sorted, unique
  // The unpacked packages, for callers that need control data (SBOM, status).
  std::vector<std::shared_ptr<const deb::DebPackage>> packages;
};

// The layer groups of `names` (package name -> source name) under the rule above.
std::vector<std::vector<std::string>> group_packages(
    const std::vector<std::pair<std::string, std::string>>& names);

// Unpacks every package and generates the final layer. Fails on an
// unreadable or unsafe .deb, a control file whose name/version/arch differ
// from the resolved ones, or a generator error (e.g. a user clash).
support::Result<BaseLayers> build_base_layers(const std::vector<BasePackage>& packages,
                                              const BaseOptions& options);

} // namespace distill::backend::base
