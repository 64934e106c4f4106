#pragma once

// Merged-/usr (Debian bookworm and later): /bin, /sbin and /lib* are links
// into /usr. Packages still ship files under ./bin and ./lib, so the unpacker
// rewrites those paths, and the image gets the top-level links that
// debootstrap's post-merge would create (debian-without-dpkg.md 2.5,
// official-base-images.md 4.1).

#include "backend/fs/tree.hpp"
#include "support/error.hpp"

#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::deb {

// The top-level directories merged into /usr: bin sbin lib lib32 lib64 libo32 libx32.
std::span<const std::string_view> usr_merged_dirs();

// The merged spelling of a normalized path: "/bin/ls" -> "/usr/bin/ls",
// "/lib64" -> "/usr/lib64"; any other path is returned unchanged.
std::string merge_usr_path(std::string_view normalized);

// The merged top-level directory names ("bin", "lib64"...) that occur as the
// first component of any of `paths` (package spellings, e.g. listed_paths).
std::set<std::string> aliased_top_dirs(std::span<const std::string> paths);

// Adds "/<dir> -> usr/<dir>" links (mtime `mtime`) for each of `dirs`, like
// debootstrap's post-merge, and the /usr/<dir> directories if `out` lacks them.
support::Result<void> add_usr_merge_links(const std::set<std::string>& dirs, std::int64_t mtime,
                                          fs::Tree& out);

} // namespace distill::backend::deb
