#pragma once

// The OpenPGP cleartext signature framework (RFC 4880 section 7), as apt
// reads InRelease: exactly one signed message, nothing but blank lines
// around it, so no unsigned text can ride along with the signed one.

#include "support/error.hpp"

#include <string>
#include <string_view>

namespace distill::backend::archive {

struct ClearsignedParts {
  std::string body;      // the signed text, dash-escaping removed, ending with '\n'
  std::string signature; // the armored "-----BEGIN PGP SIGNATURE-----" block
};

// Splits a clearsigned document. Fails (naming `what`) when there is text
// before the header or after the signature, a second message, a missing
// part, or a malformed dash-escape. Signature checking is gpgv's job.
support::Result<ClearsignedParts> split_clearsigned(std::string_view text, std::string_view what);

} // namespace distill::backend::archive
