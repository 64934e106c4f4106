#pragma once

// /etc/apt/sources.list.d/debian.sources as debuerreotype writes it for
// bookworm and later (official-base-images.md 4.3), pointing at the mirror
// distill was configured with. No host name is built in.

#include <string>

namespace distill::backend::base {

struct SourcesConfig {
  std::string mirror;          // ".../debian" URI from --mirror/config (required)
  std::string security_mirror; // "" = mirror with a final "/debian" turned into "/debian-security"
  std::string suite;           // "bookworm"; "sid"/"unstable" give one stanza
  std::string snapshot_main;   // optional "# <url>" comment lines' URLs (empty: no comment)
  std::string snapshot_security;
  std::string signed_by = "/usr/share/keyrings/debian-archive-keyring.gpg";
};

// The deb822 text (two stanzas, or one for sid/unstable).
std::string debian_sources_text(const SourcesConfig& config);

} // namespace distill::backend::base
