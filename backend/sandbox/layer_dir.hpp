#pragma once

// Unpacked layers on disk, in the format overlayfs reads inside a user
// namespace: whiteouts as 0/0 character devices, opaque directories with the
// user.overlay.opaque=y xattr. Each layer is unpacked once into
// <cache>/layers/<digest>/ through a temporary directory and a rename, so a
// directory there is always complete.

#include "backend/fs/tree.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/stat.h>

namespace distill::backend::sandbox {

inline constexpr const char* k_opaque_xattr = "user.overlay.opaque";

// <cache>/layers/<digest>; fails on a digest that is not "algo:hex".
support::Result<std::filesystem::path> layer_dir(const std::filesystem::path& cache_dir,
                                                 const std::string& digest);

// Writes `tree` (a layer, whiteouts included) below the existing empty
// directory `dir`. Owners are set where the process may (inside the sandbox's
// user namespace, or as root); device nodes that cannot be made are skipped
// (the sandbox binds the host's). Fails on the first I/O error.
support::Result<void> write_tree(const fs::Tree& tree, const std::filesystem::path& dir);

// Makes sure <cache>/layers/<digest> holds `tree` and returns it; writes it
// atomically (temporary directory + rename) when missing.
support::Result<std::filesystem::path> ensure_layer_dir(const std::filesystem::path& cache_dir,
                                                        const std::string& digest,
                                                        const fs::Tree& tree);

// True when `st` is an overlay whiteout (character device 0/0).
bool is_whiteout(const struct stat& st);

// The entry that a stack of overlay-format directories (top first) shows at
// in-root path `rel` ("/etc/passwd"), as the host path holding it; nullopt
// when it is absent or deleted by a whiteout or an opaque directory above.
std::optional<std::filesystem::path> lower_lookup(const std::vector<std::filesystem::path>& top_first,
                                                  const std::string& rel);

} // namespace distill::backend::sandbox
