#pragma once

// Where the packages of a distro release come from. The first of these that
// speaks about the distro wins (docs/config.md):
//   1. the command line (--mirror, --security-mirror, --snapshot, --keyring),
//   2. the config file (distill.json in the context, else the user's),
//   3. the host's apt sources (suites <release> and <release>-*).
// No mirror name is built in.

#include "backend/archive/keyring.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace distill::backend::archive {

// One suite of one archive: everything load_suite needs. Debian and Ubuntu
// share the layout (dists/<suite>/<component>/binary-<arch>/Packages.xz,
// pool/...); they differ in default keyrings only.
struct SourceSpec {
  std::string distro;                     // "debian", "ubuntu"
  std::string uri;                        // archive root, no trailing '/'
  std::string suite;                      // "bookworm", "bookworm-security"
  std::vector<std::string> components;    // "main"
  std::vector<std::string> architectures; // "amd64"
  Keyrings keyrings;
  bool check_valid_until = true; // false for snapshots: a frozen Release is expired by design
  bool snapshot = false;
  bool optional = false; // a suite the mirror may lack (e.g. -updates for sid)
  std::string origin;    // where this came from, for messages ("--mirror", a file:line)
};

// The command-line part of the configuration.
struct MirrorOverride {
  std::vector<std::string> mirrors;          // --mirror URL: the release and its -updates
  std::vector<std::string> security_mirrors; // --security-mirror URL: <release>-security
  std::optional<std::string> snapshot;       // --snapshot URL ("{archive}" = the mirror's last path part)
  std::vector<std::filesystem::path> keyrings; // --keyring FILE: replaces every other keyring
};

// Everything the lookup may read; tests point `root` at a fake host.
struct SourcesContext {
  MirrorOverride cli;
  std::filesystem::path context_dir; // where distill.json may be
  std::string xdg_config_home;       // $XDG_CONFIG_HOME ("" when unset)
  std::string home;                  // $HOME
  std::filesystem::path root = "/";  // the host: etc/apt, usr/share/keyrings
};

// A SourcesContext with this process's XDG_CONFIG_HOME and HOME.
SourcesContext sources_context_from_env(MirrorOverride cli, std::filesystem::path context_dir);

struct SuiteQuery {
  std::string distro;       // "debian"
  std::string release;      // "bookworm"
  std::string architecture; // "amd64"
};

// The suites to load for a release, in order (the release first, then
// -updates, -security, ...). Fails when no source names the release, or a
// source is unusable (deb822 Signed-By fingerprints, a flat repository).
support::Result<std::vector<SourceSpec>> find_sources(const SourcesContext& context,
                                                      const SuiteQuery& query);

// The snapshot URL for a mirror: "{archive}" in `snapshot` becomes the last
// path component of `mirror` ("debian", "debian-security"); without it the
// snapshot URL is used as it is. Trailing slashes are dropped.
std::string expand_snapshot(std::string_view snapshot, std::string_view mirror);

} // namespace distill::backend::archive
