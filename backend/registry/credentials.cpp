#include "backend/registry/credentials.hpp"

#include "backend/registry/base64.hpp"
#include "backend/registry/reference.hpp"
#include "support/atomic_file.hpp"
#include "support/run_program.hpp"

#include <cstdlib>

#include <nlohmann/json.hpp>

namespace distill::backend::registry {

namespace {

using nlohmann::json;
using support::fail;
using support::Result;

// The key `docker login` writes for the default registry (the v1 index URL).
std::string default_registry_key() { return "https://index." + std::string(k_default_domain) + "/v1/"; }

// "https://host:port/v1/" -> "host:port", the way Docker matches keys.
std::string key_host(std::string_view key) {
  if (const auto scheme = key.find("://"); scheme != std::string_view::npos) {
    key.remove_prefix(scheme + 3);
  }
  return std::string(key.substr(0, key.find('/')));
}

bool key_matches(std::string_view key, std::string_view domain) {
  if (domain == k_default_domain && (key == default_registry_key() || key_host(key) == "index." + std::string(k_default_domain))) {
    return true;
  }
  return key_host(key) == domain;
}

Result<json> load_json(const std::filesystem::path& path) {
  auto text = support::read_file(path);
  if (!text) {
    return std::unexpected(text.error());
  }
  try {
    auto parsed = json::parse(*text);
    if (!parsed.is_object()) {
      return fail("{}: not a JSON object", path.string());
    }
    return parsed;
  } catch (const json::exception& e) {
    return fail("{}: invalid JSON: {}", path.string(), e.what());
  }
}

// An "auths" entry: {"auth": base64(user:password)} or separate fields.
Result<std::optional<Credentials>> from_auths(const json& config, std::string_view domain,
                                              const std::filesystem::path& file) {
  auto auths = config.find("auths");
  if (auths == config.end() || !auths->is_object()) {
    return std::nullopt;
  }
  for (const auto& item : auths->items()) {
    if (!key_matches(item.key(), domain) || !item.value().is_object()) {
      continue;
    }
    const json& entry = item.value();
    Credentials out;
    if (auto auth = entry.find("auth"); auth != entry.end() && auth->is_string() && !auth->get<std::string>().empty()) {
      auto decoded = base64_decode(auth->get<std::string>());
      if (!decoded) {
        return fail("{}: the auth of {}: {}", file.string(), item.key(), decoded.error().message);
      }
      const auto colon = decoded->find(':');
      if (colon == std::string::npos) {
        return fail("{}: the auth of {} is not base64 of USER:PASSWORD", file.string(), item.key());
      }
      out.username = decoded->substr(0, colon);
      out.password = decoded->substr(colon + 1);
    }
    if (auto user = entry.find("username"); user != entry.end() && user->is_string()) {
      out.username = user->get<std::string>();
    }
    if (auto password = entry.find("password"); password != entry.end() && password->is_string()) {
      out.password = password->get<std::string>();
    }
    if (auto token = entry.find("identitytoken"); token != entry.end() && token->is_string()) {
      out.identity_token = token->get<std::string>();
    }
    if (out.username.empty() && out.password.empty() && out.identity_token.empty()) {
      continue; // a key only (the credentials live in credsStore)
    }
    return out;
  }
  return std::nullopt;
}

// Runs docker-credential-NAME get with the server on stdin.
Result<std::optional<Credentials>> from_helper(const std::string& helper, std::string_view domain) {
  const std::string server = domain == k_default_domain ? default_registry_key() : std::string(domain);
  // A helper may wait on a keyring unlock, not forever.
  support::ProgramOptions run;
  run.input = server + "\n";
  run.timeout = std::chrono::minutes(2);
  auto output = support::run_program({"docker-credential-" + helper, "get"}, run);
  if (!output) {
    return std::unexpected(output.error().context(fmt::format("credential helper docker-credential-{}", helper)));
  }
  if (output->exit_code != 0) {
    // The protocol's answer for an unknown server.
    if (output->out.find("credentials not found") != std::string::npos ||
        output->err.find("credentials not found") != std::string::npos) {
      return std::nullopt;
    }
    return fail("credential helper docker-credential-{} failed for {} (exit {}): {}", helper, server,
                output->exit_code, output->err.empty() ? output->out : output->err);
  }
  try {
    const auto reply = json::parse(output->out);
    Credentials out;
    out.username = reply.value("Username", "");
    const auto secret = reply.value("Secret", "");
    // Docker's convention: the user "<token>" means the secret is an identity token.
    if (out.username == "<token>") {
      out.username.clear();
      out.identity_token = secret;
    } else {
      out.password = secret;
    }
    return out;
  } catch (const json::exception& e) {
    return fail("credential helper docker-credential-{}: invalid reply: {}", helper, e.what());
  }
}

Result<std::optional<Credentials>> from_docker_config(const std::filesystem::path& file, std::string_view domain) {
  auto config = load_json(file);
  if (!config) {
    return std::unexpected(config.error());
  }
  if (auto helpers = config->find("credHelpers"); helpers != config->end() && helpers->is_object()) {
    for (const auto& item : helpers->items()) {
      if (key_matches(item.key(), domain) && item.value().is_string()) {
        return from_helper(item.value().get<std::string>(), domain);
      }
    }
  }
  auto stored = from_auths(*config, domain, file);
  if (!stored || *stored) {
    return stored;
  }
  if (auto store = config->find("credsStore"); store != config->end() && store->is_string() &&
                                               !store->get<std::string>().empty()) {
    return from_helper(store->get<std::string>(), domain);
  }
  return std::nullopt;
}

} // namespace

AuthFiles auth_files_from_env() {
  AuthFiles files;
  if (const char* file = std::getenv("REGISTRY_AUTH_FILE"); file != nullptr && *file != '\0') {
    files.registry_auth_file = file;
  }
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir != nullptr && *dir != '\0') {
    files.docker_config = std::filesystem::path(dir) / "config.json";
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    files.docker_config = std::filesystem::path(home) / ".docker" / "config.json";
  }
  return files;
}

Result<std::optional<Credentials>> find_credentials(const AuthFiles& files, std::string_view domain) {
  std::error_code ec;
  if (!files.registry_auth_file.empty() && std::filesystem::exists(files.registry_auth_file, ec)) {
    auto config = load_json(files.registry_auth_file);
    if (!config) {
      return std::unexpected(config.error());
    }
    auto found = from_auths(*config, domain, files.registry_auth_file);
    if (!found || *found) {
      return found;
    }
  }
  if (!files.docker_config.empty() && std::filesystem::exists(files.docker_config, ec)) {
    return from_docker_config(files.docker_config, domain);
  }
  return std::nullopt;
}

} // namespace distill::backend::registry
