#pragma once

// Registry credentials as `docker login`, `podman login` and credential
// helpers leave them: $REGISTRY_AUTH_FILE (containers-auth.json), then
// $DOCKER_CONFIG/config.json or ~/.docker/config.json with `credHelpers`,
// `auths` and `credsStore` (helpers run as `docker-credential-NAME get`).

#include "support/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace distill::backend::registry {

struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token; // an OAuth refresh token instead of a password
};

// The files to read, so tests and callers need not touch the environment.
struct AuthFiles {
  std::filesystem::path registry_auth_file; // empty: none
  std::filesystem::path docker_config;      // .../config.json; empty: none
};

// $REGISTRY_AUTH_FILE and $DOCKER_CONFIG/config.json (else $HOME/.docker/config.json).
AuthFiles auth_files_from_env();

// The credentials for `domain` (host[:port]), nullopt when none are stored.
// Fails on a malformed file or a helper that fails for another reason than
// "credentials not found".
support::Result<std::optional<Credentials>> find_credentials(const AuthFiles& files, std::string_view domain);

} // namespace distill::backend::registry
