#pragma once

// Package installs without dpkg, as layer trees (backend/base does the
// unpacking and generating): one tree per package or package group, the same
// package version giving the same tree in any image, and one tree of the
// files maintainer scripts would have written for the whole installed set.

#include "backend/build/locked_packages.hpp"
#include "backend/fs/tree.hpp"
#include "planner/ir.hpp"
#include "support/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace distill::backend::build {

struct PackageLayers {
  std::vector<std::pair<std::string, fs::Tree>> packages; // "name version" (or a group), its files
  fs::Tree generated;                                     // passwd, status, alternatives, ...
  std::vector<std::string> unmodelled; // "pkg: what its maintainer script does that is not modelled"
};

struct PackageStep {
  const StagePackages* stage = nullptr;
  std::vector<LockedPackage> installed; // already in the image (the base, earlier steps)
  std::vector<LockedPackage> added;     // what this step installs
  bool base = false;                    // the distro base itself
  std::int64_t epoch = 0;
  std::filesystem::path spool_dir;      // where big file contents go while building
  std::vector<planner::AddUser> users;  // the plan's accounts so far, kept in regenerated files
  std::vector<planner::AddGroup> groups;
  const fs::Tree* image = nullptr;      // the rootfs so far, for installs on a pulled image (StagePackages::on_image)
};

// Whether the stage's release has merged /usr (/bin, /lib* are links into /usr).
bool merged_usr(const StagePackages& stage);

// The layers of one package step; fails naming the package.
support::Result<PackageLayers> package_layers(const PackageStep& step);

} // namespace distill::backend::build
