#pragma once

// The -slim variant (official-base-images.md 1.5, debuerreotype-slimify):
// documentation, man pages, info pages and translations are removed, except
// copyright files and a few locale tables. Applied to each package's tree on
// its own so a package's layer stays the same in every image: a symlink is
// dropped as dangling only when its target was removed from the same package.

#include "backend/deb/generators/context.hpp"

#include <span>

namespace distill::backend::base {

// .slimify-excludes and .slimify-includes, sorted (LC_ALL=C sort -u).
std::span<const std::string_view> slim_excludes();
std::span<const std::string_view> slim_includes();

// Deletes the excluded entries from one package's tree; returns how many went.
std::size_t slim_package_tree(fs::Tree& tree);

// The /usr/share/man/man[0-9] directories of `image` (taken before slimming),
// which slimify recreates with mode 0775.
std::vector<std::string> man_section_dirs(const fs::Tree& image);

// The text of /etc/dpkg/dpkg.cfg.d/docker for the installed packages: per
// exclude pattern, what `dpkg -S` names (packages and dash's diversions),
// folded at 76 columns, then the path-exclude/path-include lines.
std::string slim_dpkg_config(const deb::generators::Context& context);

} // namespace distill::backend::base
