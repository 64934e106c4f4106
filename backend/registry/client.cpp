#include "backend/registry/client.hpp"

#include "backend/fetch/retry.hpp"
#include "backend/registry/base64.hpp"
#include "backend/registry/challenge.hpp"
#include "backend/registry/media_types.hpp"
#include "backend/registry/reference.hpp"
#include "support/sha256.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace distill::backend::registry {

namespace {

using support::fail;
using support::Result;
using Clock = std::chrono::steady_clock;

std::string url_escape(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string scope_string(const std::string& repo, bool push) {
  return fmt::format("repository:{}:{}", repo, push ? "pull,push" : "pull");
}

std::string with_query(const std::string& url, const std::string& query) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

} // namespace

const std::vector<std::string> k_manifest_accept = {
    std::string(k_oci_manifest), std::string(k_oci_index), std::string(k_docker_manifest),
    std::string(k_docker_manifest_list)};

std::string error_text(const HttpResponse& reply) {
  try {
    const auto parsed = nlohmann::json::parse(reply.body);
    std::vector<std::string> parts;
    for (const auto& error : parsed.at("errors")) {
      parts.push_back(fmt::format("{}: {}", error.value("code", "?"), error.value("message", "")));
    }
    if (!parts.empty()) {
      return fmt::format("HTTP {} {}", reply.status, fmt::join(parts, "; "));
    }
  } catch (const nlohmann::json::exception&) {
    // Not a Distribution error body; the status says enough.
  }
  return fmt::format("HTTP {}", reply.status);
}

Session::Session(std::string domain, const ClientOptions& options)
    : m_domain(std::move(domain)), m_options(&options) {
  const auto host = api_host(m_domain);
  m_insecure = std::find(options.insecure_registries.begin(), options.insecure_registries.end(), m_domain) !=
                   options.insecure_registries.end() ||
               std::find(options.insecure_registries.begin(), options.insecure_registries.end(), host) !=
                   options.insecure_registries.end();
  for (const auto& dir : options.certs_dirs) {
    std::error_code ec;
    if (std::filesystem::exists(dir / m_domain / "ca.crt", ec)) {
      m_tls.ca_file = dir / m_domain / "ca.crt";
      break;
    }
  }
}

// Finds the scheme with GET /v2/: HTTPS first; plain HTTP only where Docker
// allows it (loopback, --insecure-registry), never after a bad certificate.
Result<void> Session::ensure_base() {
  std::lock_guard lock(m_mutex);
  if (!m_base.empty()) {
    return {};
  }
  const auto host = api_host(m_domain);
  const bool plain_ok = m_insecure || is_loopback(m_domain);
  std::string last_error;
  for (int attempt = 1; attempt <= std::max(1, m_options->retry.max_attempts); ++attempt) {
    HttpRequest ping;
    ping.url = "https://" + host + "/v2/";
    if (m_options->on_request) {
      m_options->on_request("GET", ping.url);
    }
    auto reply = perform(ping, m_tls, m_options->retry);
    if (!reply.replied() && reply.cert_failure && m_insecure) {
      m_tls.verify = false;
      reply = perform(ping, m_tls, m_options->retry);
    }
    if (reply.replied()) {
      m_base = "https://" + host;
      return {};
    }
    if (reply.cert_failure) {
      return fail("{}: the TLS certificate is not trusted ({}); put the registry's CA certificate in "
                  "/etc/docker/certs.d/{}/ca.crt, or use --insecure-registry {}",
                  m_domain, reply.error, m_domain, m_domain);
    }
    if (plain_ok) {
      HttpRequest plain;
      plain.url = "http://" + host + "/v2/";
      auto http_reply = perform(plain, m_tls, m_options->retry);
      if (http_reply.replied()) {
        m_base = "http://" + host;
        return {};
      }
      last_error = http_reply.error;
      if (!http_reply.transient) {
        break;
      }
    } else {
      last_error = reply.error;
      if (!reply.transient) {
        break;
      }
    }
    if (attempt < m_options->retry.max_attempts) {
      std::this_thread::sleep_for(fetch::backoff_delay(m_options->retry, attempt + 1));
    }
  }
  return fail("cannot reach the registry {}: {}{}", m_domain, last_error,
              plain_ok ? "" : " (plain HTTP is used only for loopback hosts and --insecure-registry)");
}

std::string Session::absolute(const std::string& url) const {
  if (url.starts_with("http://") || url.starts_with("https://")) {
    return url;
  }
  if (url.starts_with("/")) {
    return m_base + url;
  }
  return m_base + "/v2/" + url;
}

std::optional<std::string> Session::authorization(const Scope& scope) {
  std::lock_guard lock(m_mutex);
  const auto now = Clock::now();
  for (bool push : {true, false}) {
    if (!push && scope.push) {
      break; // a pull token cannot push
    }
    auto it = m_tokens.find(scope_string(scope.repo, push));
    if (it != m_tokens.end() && it->second.expires > now) {
      return "Authorization: Bearer " + it->second.value;
    }
  }
  if (m_basic && m_credentials && *m_credentials) {
    const auto& creds = **m_credentials;
    return "Authorization: Basic " + base64_encode(creds.username + ":" + creds.password);
  }
  return std::nullopt;
}

HttpResponse Session::request_once(HttpRequest request, const Scope& scope, std::string& used) {
  request.url = absolute(request.url);
  used.clear();
  if (auto auth = authorization(scope)) {
    used = *auth;
    request.headers.push_back(*auth);
  }
  if (m_options->on_request) {
    m_options->on_request(request.method, request.url);
  }
  return perform(request, m_tls, m_options->retry);
}

Result<void> Session::authenticate(const HttpResponse& reply, const Scope& scope, const std::string& used) {
  std::lock_guard serial(m_auth_mutex);
  if (const auto now = authorization(scope); now && *now != used) {
    return {}; // another transfer authenticated while this one waited
  }
  const auto challenge = parse_challenge(reply.header("www-authenticate"));
  if (!challenge) {
    return fail("{} answered 401 without a WWW-Authenticate challenge", m_domain);
  }
  std::optional<Credentials> creds;
  {
    std::lock_guard lock(m_mutex);
    if (!m_credentials) {
      auto found = find_credentials(m_options->auth_files, m_domain);
      if (!found) {
        return std::unexpected(found.error());
      }
      m_credentials = *found;
    }
    creds = *m_credentials;
  }
  if (challenge->scheme == "basic") {
    if (!creds) {
      return fail("{} requires a login: no credentials for it in $REGISTRY_AUTH_FILE or the Docker config "
                  "(run docker login or podman login, or add an \"auths\" entry)",
                  m_domain);
    }
    std::lock_guard lock(m_mutex);
    m_basic = true;
    return {};
  }
  if (challenge->scheme != "bearer") {
    return fail("{} asks for the unsupported auth scheme \"{}\"", m_domain, challenge->scheme);
  }
  const auto realm = challenge->param("realm");
  if (realm.empty()) {
    return fail("{}: the bearer challenge has no realm", m_domain);
  }
  const auto scope_text = scope_string(scope.repo, scope.push);
  HttpRequest token_request;
  const auto service = challenge->param("service");
  std::string query = "scope=" + url_escape(scope_text);
  if (!service.empty()) {
    query += "&service=" + url_escape(service);
  }
  if (creds && !creds->identity_token.empty()) {
    // OAuth2 refresh-token grant, as Docker does with an identity token.
    token_request.method = "POST";
    token_request.url = realm;
    token_request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    token_request.body = query + "&grant_type=refresh_token&client_id=distill&refresh_token=" +
                         url_escape(creds->identity_token);
  } else {
    token_request.url = with_query(realm, query);
    if (creds) {
      token_request.headers.push_back("Authorization: Basic " +
                                      base64_encode(creds->username + ":" + creds->password));
    }
  }
  if (m_options->on_request) {
    m_options->on_request(token_request.method, token_request.url);
  }
  const auto token_reply = perform(token_request, m_tls, m_options->retry);
  if (!token_reply.replied()) {
    return fail("getting a token for {} from {}: {}", scope_text, realm, token_reply.error);
  }
  if (token_reply.status == 401 || token_reply.status == 403) {
    return fail("{}: the token service {} refused {} ({}){}", m_domain, realm,
                creds ? "the credentials of " + creds->username : std::string("anonymous access"),
                error_text(token_reply),
                creds ? "; check the user name and password" : "; log in first (docker login)");
  }
  if (token_reply.status / 100 != 2) {
    return fail("getting a token for {} from {}: {}", scope_text, realm, error_text(token_reply));
  }
  try {
    const auto parsed = nlohmann::json::parse(token_reply.body);
    std::string token = parsed.value("token", "");
    if (token.empty()) {
      token = parsed.value("access_token", "");
    }
    if (token.empty()) {
      return fail("the token service {} sent no token", realm);
    }
    // Tokens live at least 60 s by the spec; renew a little early.
    const int lifetime = std::max(60, parsed.value("expires_in", 60));
    std::lock_guard lock(m_mutex);
    m_tokens[scope_text] = Token{token, Clock::now() + std::chrono::seconds(lifetime - 10)};
  } catch (const nlohmann::json::exception& e) {
    return fail("the token service {} sent invalid JSON: {}", realm, e.what());
  }
  return {};
}

Result<HttpResponse> Session::exchange(const HttpRequest& request, const Scope& scope) {
  if (auto based = ensure_base(); !based) {
    return std::unexpected(based.error());
  }
  std::string used;
  auto reply = request_once(request, scope, used);
  if (!reply.replied() || reply.status != 401) {
    return reply;
  }
  if (auto done = authenticate(reply, scope, used); !done) {
    return std::unexpected(done.error());
  }
  reply = request_once(request, scope, used);
  if (reply.replied() && reply.status == 401) {
    std::string who;
    {
      std::lock_guard lock(m_mutex);
      if (m_credentials && *m_credentials) {
        who = (*m_credentials)->username;
      }
    }
    return fail("{}: authentication failed for {}{}: check the user name and password", m_domain, scope.repo,
                who.empty() ? std::string() : " as " + who);
  }
  return reply;
}

Result<HttpResponse> Session::send(const HttpRequest& request, const Scope& scope) {
  const int max_attempts = std::max(1, m_options->retry.max_attempts);
  for (int attempt = 1;; ++attempt) {
    auto reply = exchange(request, scope);
    if (!reply || !reply->worth_retry() || attempt >= max_attempts) {
      if (reply && !reply->replied()) {
        return fail("{} {}: {}{}", request.method, absolute(request.url), reply->error,
                    attempt > 1 ? fmt::format(" (after {} attempts)", attempt) : "");
      }
      return reply;
    }
    std::this_thread::sleep_for(fetch::backoff_delay(m_options->retry, attempt + 1, reply->retry_after()));
  }
}

Result<ManifestBytes> Session::get_manifest(const std::string& repo, const std::string& ref) {
  HttpRequest request;
  request.url = repo + "/manifests/" + ref;
  request.headers.push_back("Accept: " + fmt::format("{}", fmt::join(k_manifest_accept, ", ")));
  auto reply = send(request, {repo, false});
  if (!reply) {
    return std::unexpected(reply.error());
  }
  const auto name = fmt::format("{}/{}{}{}", m_domain, repo, ref.starts_with("sha256:") ? "@" : ":", ref);
  if (reply->status == 404) {
    return fail("{}: not found: the image or tag does not exist in the registry ({})", name, error_text(*reply));
  }
  if (reply->status / 100 != 2) {
    return fail("{}: fetching the manifest: {}", name, error_text(*reply));
  }
  ManifestBytes out;
  out.bytes = std::move(reply->body);
  out.digest = "sha256:" + support::sha256_hex(out.bytes);
  if (ref.starts_with("sha256:") && ref != out.digest) {
    return fail("{}: the manifest served has digest {}, not the one asked for", name, out.digest);
  }
  const auto served = reply->header("docker-content-digest");
  if (served.starts_with("sha256:") && served != out.digest) {
    return fail("{}: the registry says the manifest is {} but its bytes hash to {}", name, served, out.digest);
  }
  out.media_type = reply->header("content-type");
  out.media_type = out.media_type.substr(0, out.media_type.find(';'));
  try {
    const auto parsed = nlohmann::json::parse(out.bytes);
    if (auto it = parsed.find("mediaType"); it != parsed.end() && it->is_string()) {
      out.media_type = it->get<std::string>();
    } else if (out.media_type.empty() || out.media_type == "application/json") {
      out.media_type = parsed.contains("manifests") ? std::string(k_oci_index) : std::string(k_oci_manifest);
    }
  } catch (const nlohmann::json::exception& e) {
    return fail("{}: the manifest is not valid JSON: {}", name, e.what());
  }
  return out;
}

Result<bool> Session::has_blob(const std::string& repo, const std::string& digest, bool for_push) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = repo + "/blobs/" + digest;
  auto reply = send(request, {repo, for_push});
  if (!reply) {
    return std::unexpected(reply.error());
  }
  if (reply->status == 404) {
    return false;
  }
  if (reply->status / 100 != 2) {
    return fail("{}/{}: checking blob {}: {}", m_domain, repo, digest, error_text(*reply));
  }
  return true;
}

Result<void> Session::download_blob(const std::string& repo, const std::string& digest, std::uint64_t size,
                                    const std::filesystem::path& partial) {
  std::error_code ec;
  std::filesystem::create_directories(partial.parent_path(), ec);
  const int max_attempts = std::max(1, m_options->retry.max_attempts);
  std::string why;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    const int fd = ::open(partial.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return fail("opening {}: {}", partial.string(), std::strerror(errno));
    }
    struct stat st {};
    ::fstat(fd, &st);
    std::uint64_t offset = static_cast<std::uint64_t>(st.st_size);
    if (offset >= size) {
      offset = 0; // complete or too long: fetch it again
    }
    HttpRequest request;
    request.url = repo + "/blobs/" + digest;
    request.sink_fd = fd;
    request.sink_offset = offset;
    request.max_body = size;
    if (offset > 0) {
      request.headers.push_back(fmt::format("Range: bytes={}-", offset));
    }
    // One try per round: each round resumes from what the partial holds.
    auto reply = exchange(request, {repo, false});
    ::close(fd);
    if (!reply) {
      return std::unexpected(reply.error()); // auth or an unreachable registry: already retried or hopeless
    }
    why = reply->replied() ? error_text(*reply) : reply->error;
    if (reply->replied() && (reply->status == 200 || reply->status == 206)) {
      return {};
    }
    if (reply->replied() && reply->status == 416) {
      ::unlink(partial.c_str()); // our partial does not fit: start over
    } else if (!reply->worth_retry()) {
      ::unlink(partial.c_str());
      return fail("{}/{}: blob {}: {}", m_domain, repo, digest, why);
    }
    if (attempt < max_attempts) {
      std::this_thread::sleep_for(fetch::backoff_delay(m_options->retry, attempt + 1, reply->retry_after()));
    }
  }
  return fail("{}/{}: downloading blob {}: {} (after {} attempts)", m_domain, repo, digest, why, max_attempts);
}

std::expected<HttpResponse, Session::UploadFailure> Session::upload_step(const HttpRequest& request,
                                                                         const std::string& repo,
                                                                         std::initializer_list<long> accepted,
                                                                         std::string_view what) {
  auto reply = exchange(request, {repo, true});
  if (!reply) {
    // Auth, credentials, an untrusted certificate, a registry the ping could
    // not reach after its own retries: another upload would fail the same way.
    return std::unexpected(UploadFailure{reply.error()});
  }
  if (!reply->replied()) {
    return std::unexpected(UploadFailure{fail("{}/{}: {}: {}", m_domain, repo, what, reply->error).error(),
                                         reply->transient});
  }
  if (std::find(accepted.begin(), accepted.end(), reply->status) != accepted.end()) {
    return std::move(*reply);
  }
  // The upload session is gone (404 BLOB_UPLOAD_UNKNOWN) or holds other
  // bytes than we sent (416, after a cut chunk): a new session may succeed.
  const bool in_session = request.method == "PATCH" || request.method == "PUT";
  const bool session_lost = in_session && (reply->status == 404 || reply->status == 416);
  return std::unexpected(UploadFailure{
      fail("{}/{}: {}: {}", m_domain, repo, what, error_text(*reply)).error(),
      session_lost || reply->worth_retry(), reply->retry_after()});
}

std::expected<void, Session::UploadFailure> Session::upload_once(const std::string& repo, const std::string& digest,
                                                                 std::uint64_t size, const std::filesystem::path& file,
                                                                 const std::string& mount_from) {
  HttpRequest head;
  head.method = "HEAD";
  head.url = repo + "/blobs/" + digest;
  auto present = upload_step(head, repo, {200, 404}, "checking blob " + digest);
  if (!present) {
    return std::unexpected(present.error());
  }
  if (present->status == 200) {
    return {};
  }
  HttpRequest start;
  start.method = "POST";
  start.url = repo + "/blobs/uploads/";
  if (!mount_from.empty() && mount_from != repo) {
    start.url += "?mount=" + url_escape(digest) + "&from=" + url_escape(mount_from);
  }
  auto started = upload_step(start, repo, {201, 202}, "starting the upload of " + digest);
  if (!started) {
    return std::unexpected(started.error());
  }
  if (started->status == 201) {
    return {}; // mounted from the other repository
  }
  std::string location = started->header("location");
  if (location.empty()) {
    return std::unexpected(UploadFailure{fail("{}/{}: the upload reply has no Location", m_domain, repo).error()});
  }
  const std::uint64_t chunk = std::max<std::uint64_t>(1, m_options->chunk_size);
  HttpRequest put;
  put.method = "PUT";
  put.headers.push_back("Content-Type: application/octet-stream");
  if (size > chunk) {
    for (std::uint64_t offset = 0; offset < size; offset += chunk) {
      const auto length = std::min(chunk, size - offset);
      HttpRequest patch;
      patch.method = "PATCH";
      patch.url = location;
      patch.headers.push_back("Content-Type: application/octet-stream");
      patch.headers.push_back(fmt::format("Content-Range: {}-{}", offset, offset + length - 1));
      patch.file = FileSlice{file, offset, length};
      auto sent = upload_step(patch, repo, {202},
                              fmt::format("uploading bytes {}-{} of {}", offset, offset + length - 1, digest));
      if (!sent) {
        return std::unexpected(sent.error());
      }
      if (auto next = sent->header("location"); !next.empty()) {
        location = next;
      }
    }
  } else {
    put.file = FileSlice{file, 0, size};
  }
  put.url = with_query(location, "digest=" + url_escape(digest));
  if (auto finished = upload_step(put, repo, {201}, "finishing the upload of " + digest); !finished) {
    return std::unexpected(finished.error());
  }
  return {};
}

// The one retry policy of an upload: each attempt is a whole upload (HEAD,
// then a new session) whose requests are not retried on their own, so the
// tries are bounded by max_attempts, and only failures marked retryable by
// their status or transport error code are tried again.
Result<void> Session::upload_blob(const std::string& repo, const std::string& digest, std::uint64_t size,
                                  const std::filesystem::path& file, const std::string& mount_from) {
  const int max_attempts = std::max(1, m_options->retry.max_attempts);
  for (int attempt = 1;; ++attempt) {
    auto done = upload_once(repo, digest, size, file, mount_from);
    if (done) {
      return {};
    }
    if (!done.error().retry || attempt >= max_attempts) {
      return std::unexpected(done.error().error.context(
          attempt > 1 ? fmt::format("pushing blob {} (after {} attempts)", digest, attempt)
                      : fmt::format("pushing blob {}", digest)));
    }
    std::this_thread::sleep_for(fetch::backoff_delay(m_options->retry, attempt + 1, done.error().wait));
  }
}

Result<std::string> Session::put_manifest(const std::string& repo, const std::string& ref,
                                          const std::string& media_type, const std::string& bytes) {
  HttpRequest request;
  request.method = "PUT";
  request.url = repo + "/manifests/" + ref;
  request.headers.push_back("Content-Type: " + media_type);
  request.body = bytes;
  auto reply = send(request, {repo, true});
  if (!reply) {
    return std::unexpected(reply.error());
  }
  if (reply->status != 201 && reply->status != 200) {
    return fail("{}/{}:{}: storing the manifest: {}", m_domain, repo, ref, error_text(*reply));
  }
  const auto digest = "sha256:" + support::sha256_hex(bytes);
  const auto served = reply->header("docker-content-digest");
  if (!served.empty() && served != digest) {
    return fail("{}/{}:{}: the registry stored the manifest as {}, expected {}", m_domain, repo, ref, served, digest);
  }
  return digest;
}

} // namespace distill::backend::registry
