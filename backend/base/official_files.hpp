#pragma once

// The files the official image's build writes that no package ships
// (official-base-images.md 1.4 and 4.2): debuerreotype's minimizing config
// (policy-rc.d, docker-apt-speedup, apt.conf.d/docker-*), /etc/hostname,
// /etc/resolv.conf, debootstrap's /etc/fstab, the deb822 sources, and /tmp.

#include "backend/base/sources.hpp"
#include "backend/deb/generators/context.hpp"

namespace distill::backend::base {

// The verbatim texts of the minimizing-config files for apt >= 1.0.9.2.
std::string_view policy_rc_d_text();
std::string_view docker_apt_speedup_text();
std::string_view docker_autoremove_suggests_text();
std::string_view docker_clean_text();
std::string_view docker_gzip_indexes_text();
std::string_view docker_no_languages_text();

// Writes the files above into `out` (mtime: the context's epoch). The
// sources' Signed-By uses the .pgp keyring when the image has a non-empty one.
support::Result<void> generate_official_files(const deb::generators::Context& context,
                                              SourcesConfig sources, fs::Tree& out);

// /tmp as a 1777 root directory (every profile: "too many things assume it").
support::Result<void> generate_tmp(std::int64_t mtime, fs::Tree& out);

} // namespace distill::backend::base
