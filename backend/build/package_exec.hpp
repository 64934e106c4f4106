#pragma once

// Package installs without dpkg, as layer trees: one tree per package (the
// same package version gives the same tree, so the same layer blob, in any
// image) and one tree of the files maintainer scripts would have written.

#include "backend/build/locked_packages.hpp"
#include "backend/fs/tree.hpp"
#include "support/error.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace distill::backend::build {

struct PackageLayers {
  std::vector<std::pair<std::string, fs::Tree>> packages; // "name_version_arch", its files
  fs::Tree generated;                                     // passwd, status.d, alternatives, ...
  std::vector<std::string> unmodelled; // "pkg: what its maintainer script does that is not modelled"
};

// Unpacks `packages` (verified .debs) for installation on top of `rootfs`.
// `base` is true for a distro base's own package set (then the base files of
// the official image are generated too). Fails naming the package.
support::Result<PackageLayers> package_layers(const StagePackages& stage,
                                              const std::vector<LockedPackage>& packages,
                                              const fs::Tree& rootfs, bool base, std::int64_t epoch);

} // namespace distill::backend::build
