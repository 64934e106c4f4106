#pragma once

// The package set of a distro base image in the compat profile: what the
// official image holds, selected the way its build selects it.

#include "planner/debian/package_index.hpp"

#include <fmt/format.h>
#include "support/error.hpp"

#include <string>
#include <vector>

namespace distill::backend::build {

// The packages of `debian:<suite>` (debootstrap's minbase rule, see
// official-base-images.md 2.1), each at its candidate version in `index`
// (which may hold -updates and -security too, as the official build's final
// full-upgrade does). Fails when the index lacks a required package.
support::Result<std::vector<const planner::debian::Package*>>
base_package_set(const planner::debian::PackageIndex& index, const std::string& distro, const std::string& suite,
                 const std::string& architecture);

} // namespace distill::backend::build
