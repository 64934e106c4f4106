#pragma once

// The SBOM of a built image: every package the lock installed, with what the
// image itself says about it (licences from the DEP-5 copyright file, the
// maintainer from the dpkg database entry), and the packages a pulled base
// brought, as its dpkg database lists them.

#include "backend/build/executor.hpp"
#include "backend/sbom/spdx.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace distill::backend::build {

// What the SBOM takes from the image's files: the os-release ID (purls are
// namespaced by it), and for every package of the dpkg database and every
// locked package its version, source, maintainer and DEP-5 licences.
struct SbomFacts {
  struct Package {
    std::string version;
    std::string arch;
    std::string source;     // the source package's name
    std::string maintainer; // from the dpkg database
    std::vector<std::string> licenses;
    bool in_database = false; // listed by the dpkg database as installed
  };
  std::string distro;
  std::map<std::string, Package> packages; // by name
};

// Reads the facts of `rootfs` for `locked` (the packages the lock installed)
// and whatever else its dpkg database lists.
SbomFacts sbom_facts(const fs::Tree& rootfs, const std::vector<LockedPackage>& locked);

// The facts as JSON, to keep them in the cache, and back; nothing when the
// text is not such a document.
std::string sbom_facts_json(const SbomFacts& facts);
std::optional<SbomFacts> parse_sbom_facts(const std::string& text);

// True when `layer` may change what sbom_facts reads (os-release, the dpkg
// database, /usr/share/doc): a build keys the facts by the layers that may.
bool touches_sbom_facts(const fs::Tree& layer);

// The SPDX document of `built`'s packages from `facts`, named `name` (a tag),
// for `image_digest`.
sbom::Document image_sbom(const BuiltStage& built, const SbomFacts& facts, const std::string& name,
                          const std::string& image_digest, std::int64_t created);

// sbom_facts of built.rootfs, then image_sbom.
sbom::Document image_sbom(const BuiltStage& built, const std::string& name,
                          const std::string& image_digest, std::int64_t created);

// The licence names of a machine-readable debian/copyright file ("GPL-2+",
// "BSD-3-clause"), each once, in order of appearance; empty for free-form files.
std::vector<std::string> copyright_licenses(const std::string& copyright);

} // namespace distill::backend::build
