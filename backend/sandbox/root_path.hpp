#pragma once

// Paths inside a rootfs directory seen from outside it (before pivot_root):
// symlinks are followed the way a chroot would, so an image's
// "/etc/hosts -> /run/hosts" never lands on the host's /run.

#include "support/error.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace distill::backend::sandbox {

// The normalized in-root path ("/a/b") that `path` designates below `root`,
// following symlinks confined to root (the tail may not exist); fails on more
// than 40 link hops.
support::Result<std::string> resolve_in_root(const std::filesystem::path& root,
                                             std::string_view path, bool follow_last = true);

// root + in-root path, as a host path.
std::filesystem::path host_path(const std::filesystem::path& root, std::string_view in_root);

// Reads a file of the rootfs (resolved in root); fails when it cannot be read.
support::Result<std::string> read_in_root(const std::filesystem::path& root, std::string_view path);

} // namespace distill::backend::sandbox
