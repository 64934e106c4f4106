#pragma once

// Signature checks by gpgv (run as a subprocess, no shell), the way apt
// does them: at least one good signature from a key in the given keyrings,
// none bad, no weak digest. Only the text gpgv vouches for comes back.

#include "backend/archive/keyring.hpp"
#include "support/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::archive {

struct VerifiedText {
  std::string text;                      // the signed content, as gpgv output it
  std::vector<std::string> fingerprints; // primary keys of the good signatures
};

struct GpgvOptions {
  std::string program = "gpgv"; // looked up in PATH
};

// Checks a clearsigned document (an InRelease). It must be exactly one signed
// message (split_clearsigned's rules) and gpgv's output must equal its signed
// part. Fails naming `what`, with gpgv's reason (bad signature, unknown key,
// expired key, missing keyring).
support::Result<VerifiedText> verify_clearsigned(std::string_view document, const Keyrings& keyrings,
                                                 std::string_view what,
                                                 const GpgvOptions& options = {});

// Checks `data` (a Release) against a detached armored `signature` (Release.gpg).
support::Result<VerifiedText> verify_detached(std::string_view data, std::string_view signature,
                                              const Keyrings& keyrings, std::string_view what,
                                              const GpgvOptions& options = {});

} // namespace distill::backend::archive
