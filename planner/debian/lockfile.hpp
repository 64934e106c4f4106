#pragma once

// distill.lock: what a build resolved to, so that a later build installs
// exactly the same bytes. The data model, its canonical JSON and its parser
// (format documented in docs/lockfile.md).

#include "planner/debian/package.hpp"
#include "planner/debian/resolver.hpp"
#include "support/error.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace distill::planner::debian {

constexpr int k_lockfile_version = 1;

// One Packages index a base resolved against.
struct LockedIndex {
  std::string archive;      // mirror or snapshot URL, e.g. "http://mirror/debian"
  std::string suite;        // "bookworm-security"
  std::string component;    // "main"
  std::string architecture; // "amd64"
  std::string path;         // relative to archive: "dists/bookworm/main/binary-amd64/Packages.xz"
  std::string sha256;       // of that file, as the signed InRelease lists it
  friend bool operator==(const LockedIndex&, const LockedIndex&) = default;
};

// Why a package is locked: asked for, pulled in by a dependency, or put there
// by a rule (the minbase seed "Priority: required").
enum class LockReason { requested, dependency, rule };

struct LockedPackage {
  std::string name;
  std::string version;
  std::string architecture;
  std::string suite;    // the index it comes from (a LockedIndex::suite of the stage's base)
  std::string filename; // pool path, relative to the index's archive
  std::uint64_t size = 0;
  std::string sha256; // of the .deb
  std::string source; // source package name
  std::string source_version;
  LockReason reason = LockReason::requested;
  std::string parent;   // dependency: the package that pulled it in
  std::string relation; // dependency: "Depends: libc6 (>= 2.34)"; rule: the rule
  friend bool operator==(const LockedPackage&, const LockedPackage&) = default;
};

enum class BaseKind { scratch, distro, image, stage, layout };

struct LockedBase {
  BaseKind kind = BaseKind::scratch;
  std::string platform; // "linux/amd64"; may be empty
  // distro: a base made from packages (debian:bookworm, ubuntu:24.04).
  std::string distro;   // "debian" | "ubuntu"
  std::string suite;    // "bookworm"
  std::string snapshot; // snapshot timestamp "20250520T000000Z" when the archive is one; may be empty
  std::vector<LockedIndex> indexes;
  std::vector<LockedPackage> packages; // the base's own package set
  // image (and layout): where it came from and the manifest digest.
  std::string reference; // image reference, or the layout path
  std::string digest;    // "sha256:..."
  // stage: FROM an earlier stage, by name (or index when unnamed).
  std::string stage;
  friend bool operator==(const LockedBase&, const LockedBase&) = default;
};

// One InstallPackages op of a stage: what was asked and what it resolved to.
struct LockedInstall {
  std::vector<std::string> requests; // as apt-get got them: "curl", "libc6=2.36-9", "x/bookworm-backports"
  bool recommends = true;
  std::vector<LockedPackage> packages;
  friend bool operator==(const LockedInstall&, const LockedInstall&) = default;
};

struct LockedStage {
  std::string name; // the AS name; empty when unnamed
  int index = 0;    // position in the Dockerfile
  LockedBase base;
  std::vector<LockedInstall> installs; // in op order
  friend bool operator==(const LockedStage&, const LockedStage&) = default;
};

struct Lockfile {
  int version = k_lockfile_version;
  std::string inputs_hash; // "sha256:..." of everything the lock was resolved from
  std::vector<LockedStage> stages;
  friend bool operator==(const Lockfile&, const Lockfile&) = default;
};

// Sorts what has no meaningful order (packages by name then architecture,
// indexes by archive, suite, component, architecture), so equal locks
// serialize to equal bytes. Stages, installs and requests keep their order.
void canonicalize(Lockfile& lock);

// The canonical JSON text: canonicalized, fixed key order, two-space indent,
// trailing newline; the same lock always gives the same bytes.
std::string to_json(const Lockfile& lock);

// Parses and validates a lock; errors name the file and the JSON path, e.g.
// "distill.lock: stages[0].installs[1].packages[3]: \"sha256\" must be 64
// lower-case hex digits". Unknown keys and versions other than
// k_lockfile_version are errors.
support::Result<Lockfile> parse_lockfile(std::string_view text, std::string_view name = "distill.lock");

// A locked package from an index stanza, its reason and the suite it comes from.
LockedPackage lock_package(const Package& package, const Reason& reason, std::string_view suite);

// "sha256:..." over named inputs (the Dockerfile, build args, mirror,
// options...), independent of map order and unambiguous in its framing.
std::string inputs_hash(const std::map<std::string, std::string>& inputs);

std::string_view to_string(BaseKind kind);
std::string_view to_string(LockReason reason);

} // namespace distill::planner::debian
