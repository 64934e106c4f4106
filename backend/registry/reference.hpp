#pragma once

// Image references in Docker's grammar (distribution/reference), normalised
// the way `docker pull` does it: a short name goes to the default registry,
// under library/ when it has one component, and gets the tag "latest" when
// it carries neither a tag nor a digest.

#include "support/error.hpp"

#include <string>
#include <string_view>

namespace distill::backend::registry {

// The default registry's domain, the only registry host the code names: the
// reference grammar makes it the home of short names.
inline constexpr std::string_view k_default_domain = "docker.io";

// A parsed, normalised reference: DOMAIN/PATH[:TAG][@DIGEST].
struct Reference {
  std::string domain; // "docker.io", "127.0.0.1:5000", "[::1]:5000"
  std::string path;   // "library/debian", "team/app"
  std::string tag;    // may be empty when a digest is given
  std::string digest; // "sha256:<hex>" or empty

  friend bool operator==(const Reference&, const Reference&) = default;
};

// Parses and normalises `text`; fails with a message naming the reference
// and what is wrong (upper case, a bad tag, a bad digest, a bad port...).
support::Result<Reference> parse_reference(std::string_view text);

// DOMAIN/PATH (the name, without tag or digest).
std::string name_of(const Reference& ref);
// DOMAIN/PATH:TAG@DIGEST with the parts that are set.
std::string to_string(const Reference& ref);
// The tag, else the digest: what goes after /manifests/ in the API.
std::string manifest_ref(const Reference& ref);

// The host[:port] the API is served at: the default domain's API host for
// it, the domain itself otherwise.
std::string api_host(std::string_view domain);
// True for localhost, 127.0.0.0/8 and [::1] (with or without a port): plain
// HTTP is allowed there, as Docker allows it.
bool is_loopback(std::string_view domain);

} // namespace distill::backend::registry
