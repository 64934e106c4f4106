#pragma once

// Debian version numbers ([epoch:]upstream[-revision]) and their ordering,
// exactly as dpkg's verrevcmp() orders them.

#include "support/error.hpp"

#include <cstdint>
#include <string_view>

namespace distill::planner::debian {

// A parsed version; the parts are views into the text given to parse_version.
struct Version {
  std::uint32_t epoch = 0;
  std::string_view upstream;
  std::string_view revision; // empty when the version has no '-'
};

// Splits and validates `text` with dpkg's rules (numeric epoch, upstream
// starting with a digit, allowed characters); fails with dpkg's wording,
// e.g. "version '1:' has bad syntax: nothing after colon in version number".
support::Result<Version> parse_version(std::string_view text);

// Splits `text` without validating it (never fails), as apt does when it
// compares index versions.
Version split_version(std::string_view text);

// <0, 0 or >0 as `a` sorts before, equal to or after `b` in dpkg's order.
int compare_versions(const Version& a, const Version& b);

// compare_versions on unvalidated strings: "1.0" == "1.0-0" == "0:1.0".
int compare_versions(std::string_view a, std::string_view b);

// Compares one upstream or revision fragment with dpkg's verrevcmp():
// '~' sorts before everything, even the end; letters before other symbols;
// digit runs numerically.
int compare_fragment(std::string_view a, std::string_view b);

} // namespace distill::planner::debian
