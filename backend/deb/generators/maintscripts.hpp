#pragma once

// Which maintainer-script effects distill does not reproduce. Scripts of
// packages with a hand-written model (package_effects.hpp, accounts,
// ca-certificates) or known to do nothing on a fresh install are trusted.
// Other scripts are read statically: debhelper's autoscript blocks are
// classified by the tool that wrote them, and every other command that is not
// control flow, output, debconf, or a modelled command (update-alternatives,
// adduser, update-rc.d, deb-systemd-helper...) is reported.

#include "backend/deb/generators/context.hpp"

namespace distill::backend::deb::generators {

// Findings for one package's preinst and postinst (empty when all is modelled).
std::vector<Finding> classify_maintainer_scripts(const Installed& package);

// True for packages whose scripts are fully modelled or have no effect on a
// fresh install into an image (e.g. coreutils, usr-is-merged, libc6).
bool scripts_modelled(std::string_view package);

} // namespace distill::backend::deb::generators
