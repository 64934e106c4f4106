#pragma once

// What `distill build` was asked to do, after the command line was parsed.
// Plain data shared by the cli and the build executor.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace distill::backend::build {

enum class OutputType { store, oci, oci_archive, docker_archive, local, image };
enum class Compression { gzip, zstd, none };
enum class ProgressMode { auto_, tty, plain, json, quiet };

// One `-o type=...,dest=...` (or the local store when none is given).
struct Output {
  OutputType type = OutputType::store;
  std::filesystem::path dest;
  std::string name;  // type=image: the image name to push
  bool push = false;
};

struct Secret {
  std::string id;
  std::filesystem::path src; // from a file...
  std::string env;           // ...or from an environment variable
};

struct BuildOptions {
  std::filesystem::path context;
  std::filesystem::path dockerfile;
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> build_args;
  std::vector<std::pair<std::string, std::string>> labels;
  std::string target;
  std::string platform = "linux/amd64";
  bool no_cache = false;
  ProgressMode progress = ProgressMode::auto_;
  std::vector<Output> outputs;
  std::filesystem::path iidfile;
  std::filesystem::path metadata_file;
  std::filesystem::path sbom_file;
  bool minimal = false;
  bool locked = false;
  bool offline = false;
  bool push = false;
  Compression compression = Compression::gzip;
  std::optional<std::int64_t> source_date_epoch; // default: from the lock
  std::string mirror;                            // --mirror URL
  std::string security_mirror;                   // --security-mirror URL
  std::string snapshot;                          // --snapshot URL (a frozen archive)
  std::vector<std::string> build_contexts;       // --build-context NAME=VALUE, as given
  std::filesystem::path keyring;                 // --keyring FILE
  std::string network = "default";               // default network of RUN steps
  std::vector<Secret> secrets;
  std::vector<std::string> insecure_registries; // --insecure-registry HOST[:PORT]
  std::vector<std::string> registry_mirrors;    // --registry-mirror, for the default registry
  std::filesystem::path cache_dir; // $XDG_CACHE_HOME/distill
  std::filesystem::path store_dir; // $XDG_DATA_HOME/distill/store
};

// $XDG_CACHE_HOME/distill, else ~/.cache/distill.
std::filesystem::path default_cache_dir();
// $XDG_DATA_HOME/distill/store, else ~/.local/share/distill/store.
std::filesystem::path default_store_dir();

} // namespace distill::backend::build
