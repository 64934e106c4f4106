#pragma once

// Hand-written models of the postinst effects of the packages of a Debian
// minbase (official-base-images.md 4.4), each applied only when its package
// is installed: base-files (templates, directories, log files, links),
// libc-bin (nsswitch.conf), login (subuid/subgid/faillog), debianutils
// (update-shells), tzdata (UTC), libpam-modules, libpam-runtime
// (pam-auth-update), plus the generic `update-rc.d NAME defaults` and
// `deb-systemd-helper enable UNIT` lines of any package.

#include "backend/deb/generators/context.hpp"

namespace distill::backend::deb::generators {

// The names of the packages whose scripts these models cover completely.
const std::vector<std::string_view>& modelled_packages();

// Writes the effects above into `out`; what a model cannot do is a finding.
support::Result<void> generate_package_effects(const Context& context, fs::Tree& out,
                                               std::vector<Finding>& findings);

// /etc/shells as update-shells writes it from the template and shells.d
// files of `image` (each shell also under /usr when /usr is merged).
std::string shells_text(const fs::Tree& image, bool merged_usr);

// pam-auth-update's /etc/pam.d/common-<type> for the default-enabled
// profiles of /usr/share/pam-configs in `image`; "" without a template.
std::string pam_common_file(const fs::Tree& image, std::string_view type);

} // namespace distill::backend::deb::generators
