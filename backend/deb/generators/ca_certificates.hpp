#pragma once

// What ca-certificates' postinst and `update-ca-certificates` leave: the
// /etc/ca-certificates.conf it writes from debconf's defaults (every bundled
// .crt enabled), a /etc/ssl/certs/<name>.pem link per enabled certificate,
// the concatenated bundle /etc/ssl/certs/ca-certificates.crt (a newline added
// where a file lacks one), and `openssl rehash`'s <subject-hash>.N links.

#include "backend/deb/generators/context.hpp"

namespace distill::backend::deb::generators {

// OpenSSL's subject-name hash of the first certificate in `pem` as 8 hex
// digits ("openssl x509 -hash"); fails when `pem` holds no certificate.
support::Result<std::string> subject_hash(std::string_view pem);

// The .pem link name update-ca-certificates uses for a conf entry:
// "mozilla/Foo Bar (2).crt" -> "Foo_Bar_=2=.pem".
std::string pem_link_name(std::string_view entry);

// Writes the files above into `out` when ca-certificates is installed
// (nothing otherwise). Certificates come from /usr/share/ca-certificates in
// the image, in C-locale sorted order, as the postinst lists them.
support::Result<void> generate_ca_certificates(const Context& context, fs::Tree& out,
                                               std::vector<Finding>& findings);

} // namespace distill::backend::deb::generators
