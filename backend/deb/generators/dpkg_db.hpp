#pragma once

// dpkg metadata for scanners and for apt/dpkg run later in the image
// (debian-without-dpkg.md 2.4, official-base-images.md 4.5):
// - always the distroless convention: /var/lib/dpkg/status.d/<pkg> (the
//   verbatim control file, no Status line) and <pkg>.md5sums (verbatim);
// - for compat images a real database: status (dpkg's field order, Status
//   "install ok installed", Conffiles with md5s), info/<pkg>[:arch].<member>,
//   info/<pkg>.list (the package's own path spellings), info/format,
//   diversions, triggers/, lock files, cmethopt, apt's extended_states.

#include "backend/deb/generators/context.hpp"

namespace distill::backend::deb::generators {

// The dpkg status stanza of one package: fields reordered like dpkg writes
// them, `Status: install ok installed` inserted, `conffiles` lines given
// with the md5 of each file in `image`. Fails on a malformed control file.
support::Result<std::string> status_stanza(const Installed& package, const fs::Tree& image);

// The status.d files (distroless convention) for every package.
support::Result<void> generate_status_d(const Context& context, fs::Tree& out);

// The full dpkg database for compat images (see above).
support::Result<void> generate_dpkg_database(const Context& context, fs::Tree& out,
                                             std::vector<Finding>& findings);

// A dpkg diversion ("from" is diverted to "to" on behalf of "package").
struct Diversion {
  std::string from;
  std::string to;
  std::string package;
};

// The diversions the installed packages' scripts register, in dpkg's file
// order. Only dash's (/bin/sh and sh.1.gz, made through a shell function and
// so modelled by hand) are known.
std::vector<Diversion> modelled_diversions(const Context& context);

// The lower-case hex MD5 of `data` (dpkg's conffile and md5sums hash).
std::string md5_hex(std::string_view data);

} // namespace distill::backend::deb::generators
