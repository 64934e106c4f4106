#pragma once

// -o type=local: an image's merged filesystem written to a directory.

#include "backend/fs/tree.hpp"
#include "backend/layer/layer_reader.hpp"
#include "backend/oci/layout.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::oci {

// Applies every layer of `image` (bottom first, OCI whiteouts honoured) into
// one tree. Fails on a missing or damaged layer blob.
support::Result<fs::Tree> flatten_image(const std::filesystem::path& layout, const StoredImage& image,
                                        const layer::ReadOptions& options = {});

struct RootfsOptions {
  bool chown = false;   // set owners from the tree (needs root or a full uid map)
  bool devices = true;  // create device nodes (skipped and reported when not permitted)
  bool xattrs = true;   // set xattrs (skipped and reported when not permitted)
};

struct RootfsReport {
  std::vector<std::string> skipped; // "/dev/null: device nodes need privileges", ...
};

// Writes `tree` under `dest` (created if missing). Every path is opened
// component by component with O_NOFOLLOW below `dest`, so neither the tree's
// symlinks nor anything already in `dest` can redirect a write outside it;
// existing entries are replaced. Directory modes and mtimes are set last.
// Fails on an I/O error naming the path.
support::Result<RootfsReport> export_rootfs(const fs::Tree& tree, const std::filesystem::path& dest,
                                            const RootfsOptions& options = {});

// flatten_image + export_rootfs for the image `tag` names in `layout`: big
// files are staged in a scratch directory next to `dest`, removed afterwards.
support::Result<RootfsReport> export_image_rootfs(const std::filesystem::path& layout,
                                                  std::string_view tag,
                                                  const std::filesystem::path& dest,
                                                  const RootfsOptions& options = {});

} // namespace distill::backend::oci
