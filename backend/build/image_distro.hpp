#pragma once

// What apt-get install on a pulled image needs to know about it: its
// distribution and release (/etc/os-release) and its installed packages
// (/var/lib/dpkg/status, and distroless-style /var/lib/dpkg/status.d/).

#include "backend/fs/tree.hpp"
#include "planner/debian/package_index.hpp"
#include "support/error.hpp"

#include <map>
#include <string>
#include <string_view>

namespace distill::backend::build {

struct ImageDistro {
  std::string distro;  // "debian" | "ubuntu" (os-release ID)
  std::string suite;   // "bookworm" (VERSION_CODENAME)
  std::string version; // "12" (VERSION_ID); may be empty
  planner::debian::PackageIndex installed; // the image's dpkg database
};

// Reads the image's release and installed set; fails naming `reference` when
// os-release is missing or names a distribution other than Debian or Ubuntu,
// or when the dpkg database cannot be parsed.
// os-release's shell-style KEY=value lines, values unquoted.
std::map<std::string, std::string> parse_os_release(std::string_view text);

// The image's dpkg status file, or without one every status.d stanza (which
// carry no Status line, as distroless writes them), as one status text.
std::string dpkg_status_text(const fs::Tree& rootfs);

support::Result<ImageDistro> read_image_distro(const fs::Tree& rootfs, std::string_view reference);

} // namespace distill::backend::build
