#pragma once

// A session with one registry (Distribution API v2): finds the scheme
// (HTTPS, plain HTTP only for loopback and --insecure-registry hosts),
// answers 401 challenges with bearer tokens (cached per scope) or basic
// auth, retries 429/5xx and dropped connections with backoff, and checks
// every digest it is handed.

#include "backend/fetch/fetcher.hpp"
#include "backend/registry/credentials.hpp"
#include "backend/registry/http.hpp"
#include "support/error.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace distill::backend::registry {

// Settings shared by every session of a pull or push.
struct ClientOptions {
  std::vector<std::string> insecure_registries; // host[:port]: TLS unverified, plain HTTP allowed
  std::vector<std::string> mirrors;             // for the default registry, tried first
  // Trust anchors: <certs_dir>/<host[:port]>/ca.crt, as Docker's certs.d.
  std::vector<std::filesystem::path> certs_dirs = {"/etc/docker/certs.d", "/etc/containers/certs.d"};
  AuthFiles auth_files;
  fetch::FetchOptions retry;   // max_attempts, initial_backoff, max_backoff
  int max_parallel = 4;        // blob transfers at once
  std::uint64_t chunk_size = 32ull << 20; // uploads above this use chunked PATCH
  // Called before every request (progress at -v, and tests that inject faults).
  std::function<void(std::string_view method, std::string_view url)> on_request;
};

// A manifest or index as served.
struct ManifestBytes {
  std::string bytes;
  std::string media_type;
  std::string digest; // "sha256:<hex>" of `bytes`
};

// Accept header values: OCI and Docker manifests and indexes.
extern const std::vector<std::string> k_manifest_accept;

class Session {
public:
  // A session with `domain` (host[:port]); no request is made yet.
  Session(std::string domain, const ClientOptions& options);

  const std::string& domain() const { return m_domain; }

  // GET a manifest by tag or digest; verifies a digest reference against the
  // bytes. Fails with "not found" for a missing image, naming it.
  support::Result<ManifestBytes> get_manifest(const std::string& repo, const std::string& ref);
  // HEAD a blob: true when the registry has it. `for_push` asks for a push
  // token right away, so an upload needs one token, not two.
  support::Result<bool> has_blob(const std::string& repo, const std::string& digest, bool for_push = false);
  // Downloads a blob into `partial` (resuming what it holds) and checks the
  // digest and size; a mismatch deletes the file and fails.
  support::Result<void> download_blob(const std::string& repo, const std::string& digest, std::uint64_t size,
                                      const std::filesystem::path& partial);
  // Uploads a blob from `file` (POST then PUT, or PATCH chunks for large
  // ones), after trying a cross-repository mount from `mount_from` when set.
  support::Result<void> upload_blob(const std::string& repo, const std::string& digest, std::uint64_t size,
                                    const std::filesystem::path& file, const std::string& mount_from = {});
  // PUTs a manifest under `ref` (a tag or its digest); returns the digest.
  support::Result<std::string> put_manifest(const std::string& repo, const std::string& ref,
                                            const std::string& media_type, const std::string& bytes);

private:
  struct Scope {
    std::string repo;
    bool push = false;
  };
  // Why one upload attempt stopped, and whether a new attempt (a new upload
  // session) may succeed: decided from the status or the transport's error
  // code, never from message text.
  struct UploadFailure {
    support::Error error;
    bool retry = false;
    std::optional<std::chrono::seconds> wait = std::nullopt; // the server's Retry-After
  };

  // One request with auth and retries of what is worth retrying (fetch's
  // policy); `request.url` is the path below /v2/ or an absolute URL (upload
  // locations). A transport failure is an error; any HTTP reply is returned.
  support::Result<HttpResponse> send(const HttpRequest& request, const Scope& scope);
  // One request with auth (a 401 answered once) and no retry; a transport
  // failure is in the reply. Errors are auth failures and an unreachable registry.
  support::Result<HttpResponse> exchange(const HttpRequest& request, const Scope& scope);
  // One attempt; `used` receives the Authorization header sent (or empty).
  HttpResponse request_once(HttpRequest request, const Scope& scope, std::string& used);
  support::Result<void> ensure_base();
  // Answers a 401 once for all threads: a transfer that waited while another
  // fetched a token (anything but `used`) takes that one.
  support::Result<void> authenticate(const HttpResponse& reply, const Scope& scope, const std::string& used);
  std::optional<std::string> authorization(const Scope& scope);
  std::string absolute(const std::string& url) const;
  // One request of an upload, not retried: the reply when its status is
  // `accepted`, else the failure, named by `what`.
  std::expected<HttpResponse, UploadFailure> upload_step(const HttpRequest& request, const std::string& repo,
                                                         std::initializer_list<long> accepted, std::string_view what);
  std::expected<void, UploadFailure> upload_once(const std::string& repo, const std::string& digest,
                                                 std::uint64_t size, const std::filesystem::path& file,
                                                 const std::string& mount_from);

  std::string m_domain;
  const ClientOptions* m_options;
  TlsOptions m_tls;
  bool m_insecure = false;
  std::string m_base; // "https://host:port" once known
  std::mutex m_mutex; // guards the auth state below (blob transfers run in threads)
  std::mutex m_auth_mutex; // one token request at a time
  std::optional<std::optional<Credentials>> m_credentials; // looked up once
  bool m_basic = false;
  struct Token {
    std::string value;
    std::chrono::steady_clock::time_point expires;
  };
  std::map<std::string, Token> m_tokens; // by scope string
};

// The message of a registry's error reply ({"errors":[{"code","message"}]}), or the status.
std::string error_text(const HttpResponse& reply);

} // namespace distill::backend::registry
