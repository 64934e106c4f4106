#pragma once

// SPDX 2.3 JSON SBOMs of the packages in an image, byte-for-byte
// deterministic: documentNamespace is derived from the content, created is
// SOURCE_DATE_EPOCH, packages are sorted, JSON is canonical.

#include "support/error.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace distill::backend::sbom {

// One installed package, as the build fills it from the lock.
struct Package {
  std::string name;    // "libc6"
  std::string version; // "2.36-9+deb12u4" (epoch included when there is one)
  std::string arch;    // "amd64", "all"
  std::string distro = "debian"; // purl namespace: "debian" or "ubuntu"
  std::string sha256;  // of the .deb; empty = unknown
  std::vector<std::string> licenses; // as found in debian/copyright ("GPL-2+", "LGPL-2.1"); empty = unknown
  std::string supplier; // the Maintainer field; empty = unknown
  std::string source;   // source package name when it differs; empty = same
};

struct Document {
  std::string name;         // what the SBOM describes, e.g. "app:1"
  std::string image_digest; // "sha256:..." of the image manifest, if known
  std::int64_t created = 0; // SOURCE_DATE_EPOCH
  std::vector<Package> packages;
};

// pkg:deb/debian/NAME@VERSION?arch=ARCH (characters outside the purl-safe set
// percent-encoded).
std::string purl(const Package& package);

// A Debian licence name as an SPDX license expression ("GPL-2+" ->
// "GPL-2.0-or-later"); unknown names become "LicenseRef-<name>".
std::string spdx_license(const std::string& debian_name);

// The SPDX 2.3 JSON document.
std::string spdx_json(const Document& document);

} // namespace distill::backend::sbom
