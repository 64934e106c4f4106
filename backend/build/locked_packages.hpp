#pragma once

// The packages the lock step chose for one stage, with their verified .deb
// files: the input of package installs in the executor.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace distill::backend::build {

struct LockedPackage {
  std::string name;
  std::string version;
  std::string arch;
  std::string archive_uri; // the archive root it is downloaded from
  std::string suite;       // the suite of the index it comes from ("bookworm-security")
  std::string source_version;
  std::string reason;      // "requested", or "dependency of X via 'Depends: ...'"
  std::string filename; // pool path from Packages
  std::string sha256;   // of the .deb
  std::uint64_t size = 0;
  std::string source;   // source package name
  std::filesystem::path deb; // the verified file in the cache
};

struct StagePackages {
  std::string distro;     // "debian" | "ubuntu"
  std::string suite;      // "bookworm"
  std::string version;    // "12"
  bool slim = false;
  bool minimal = false;   // --minimal: no base package set
  std::string mirror_uri; // for /etc/apt/sources.list.d in compat images
  // FROM <registry image>: the manifest digest the lock resolved (pulled
  // exactly, whatever the tag names later), and whether installs go on top of
  // that image's own dpkg database (its packages are not in `base`).
  std::string image_digest;
  bool on_image = false;
  std::vector<LockedPackage> base;                  // the distro base's package set
  std::vector<std::vector<LockedPackage>> installs; // new packages per InstallPackages step, in order
};

} // namespace distill::backend::build
