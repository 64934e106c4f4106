#pragma once

// The installed set of a root filesystem, from dpkg's database: a `status`
// file, or a distroless-style `status.d/` directory (one control stanza per
// file, next to `<pkg>.md5sums` files).

#include "planner/debian/package_index.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <string_view>

namespace distill::planner::debian {

// True when a dpkg "Status" value means the package is on disk:
// "install ok installed" (or "hold ok installed").
bool is_installed_status(std::string_view status);

// The installed packages of a dpkg status text; stanzas in other states
// (config-files, half-installed, deinstall) are skipped. `name` labels errors.
support::Result<PackageIndex> parse_status(std::string text, std::string_view name = "status");

// Reads a dpkg `status` file; fails when it cannot be read or parsed.
support::Result<PackageIndex> load_status_file(const std::filesystem::path& path);

// Reads every stanza file of a `status.d/` directory (files with a '.' in
// their name, like "<pkg>.md5sums", are skipped); a stanza without a Status
// field counts as installed, as distroless writes none. Files are read in
// name order so the result is stable.
support::Result<PackageIndex> load_status_dir(const std::filesystem::path& path);

// load_status_dir for a directory, load_status_file otherwise.
support::Result<PackageIndex> load_installed(const std::filesystem::path& path);

} // namespace distill::planner::debian
