// Authentication against a real docker-registry: basic auth over TLS with a
// self-signed certificate, and bearer tokens from a token service.

#include "backend/fetch/cache.hpp"
#include "backend/registry/base64.hpp"
#include "backend/registry/credentials.hpp"
#include "backend/registry/pull.hpp"
#include "backend/registry/push.hpp"
#include "backend_test_support.hpp"
#include "fixtures/registry_fixture.hpp"
#include "support/atomic_file.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace distill::backend::registry {
namespace {

using test::LocalRegistry;
using test::TempDir;

const std::string k_fixtures = DISTILL_SOURCE_DIR "/tests/backend/fixtures";

// Runs a helper process (the token service) until destruction.
class Process {
public:
  explicit Process(std::vector<std::string> argv) {
    m_pid = ::fork();
    if (m_pid == 0) {
      std::vector<char*> args;
      for (auto& arg : argv) {
        args.push_back(arg.data());
      }
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Process() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      int status = 0;
      ::waitpid(m_pid, &status, 0);
    }
  }

private:
  pid_t m_pid = -1;
};

class RegistryAuth : public ::testing::Test {
protected:
  void SetUp() override {
    if (!test::have_registry()) {
      GTEST_SKIP() << "docker-registry is not installed (" << test::k_registry_binary << ")";
    }
    if (!test::have_tool("openssl")) {
      GTEST_SKIP() << "openssl is not installed";
    }
    distill::testing::ensure_curl();
    options.retry.initial_backoff = std::chrono::milliseconds(50);
    options.retry.max_attempts = 3;
    options.certs_dirs.clear();
    auto cache = fetch::Cache::open(m_dir / "cache");
    ASSERT_TRUE(cache.has_value());
    m_cache = std::make_unique<fetch::Cache>(std::move(*cache));
    m_layout = m_dir / "src";
    m_manifest = test::make_test_image(m_layout, {{{"/secret", "s3cr3t\n"}}}, "v1");
  }

  // A self-signed certificate for 127.0.0.1.
  void make_cert(const std::string& name) {
    auto made = test::run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + (m_dir / (name + ".key")).string() +
                          " -out " + (m_dir / (name + ".crt")).string() +
                          " -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1");
    ASSERT_EQ(made.status, 0) << made.output;
  }

  void write_auth_file(const std::string& host, const std::string& user, const std::string& password) {
    const auto path = m_dir / "auth.json";
    ASSERT_TRUE(support::write_file_atomic(
        path, fmt::format(R"({{"auths":{{"{}":{{"auth":"{}"}}}}}})", host, base64_encode(user + ":" + password))));
    options.auth_files.registry_auth_file = path;
  }

  support::Result<std::string> push(const std::string& host, const std::string& name) {
    auto ref = parse_reference(host + "/" + name);
    EXPECT_TRUE(ref.has_value());
    std::vector<Reference> targets = {*ref};
    return push_image(m_layout, m_manifest, targets, options);
  }

  support::Result<PulledImage> pull(const std::string& host, const std::string& name) {
    auto ref = parse_reference(host + "/" + name);
    EXPECT_TRUE(ref.has_value());
    return pull_image(*ref, oci::Platform{"amd64", "linux", ""}, *m_cache, options);
  }

  TempDir m_dir;
  std::unique_ptr<fetch::Cache> m_cache;
  std::filesystem::path m_layout;
  oci::Descriptor m_manifest;
  ClientOptions options;
};

TEST_F(RegistryAuth, BasicAuthOverTlsWithASelfSignedCertificate) {
  if (!test::have_tool("htpasswd")) {
    GTEST_SKIP() << "htpasswd (apache2-utils) is not installed";
  }
  make_cert("tls");
  auto hashed = test::run("htpasswd -Bbn tester secret > " + (m_dir / "htpasswd").string());
  ASSERT_EQ(hashed.status, 0) << hashed.output;
  test::RegistrySettings settings;
  settings.tls_cert = m_dir / "tls.crt";
  settings.tls_key = m_dir / "tls.key";
  settings.htpasswd = m_dir / "htpasswd";
  LocalRegistry registry(m_dir / "registry", settings);
  ASSERT_TRUE(registry.start()) << registry.log();
  const auto host = registry.host();

  // Without the CA: the certificate is not trusted, and plain HTTP is not tried after that.
  write_auth_file(host, "tester", "secret");
  auto untrusted = push(host, "tls/app:1");
  ASSERT_FALSE(untrusted.has_value());
  EXPECT_NE(untrusted.error().message.find("certificate is not trusted"), std::string::npos)
      << untrusted.error().message;

  std::filesystem::create_directories(m_dir / "certs" / host);
  std::filesystem::copy_file(m_dir / "tls.crt", m_dir / "certs" / host / "ca.crt");
  options.certs_dirs = {m_dir / "certs"};

  // No credentials at all.
  options.auth_files = {};
  auto anonymous = push(host, "tls/app:1");
  ASSERT_FALSE(anonymous.has_value());
  EXPECT_NE(anonymous.error().message.find(host + " requires a login"), std::string::npos)
      << anonymous.error().message;

  // A wrong password.
  write_auth_file(host, "tester", "wrong");
  auto wrong = push(host, "tls/app:1");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message.find("authentication failed for tls/app as tester: check the user name and password"),
            std::string::npos)
      << wrong.error().message;

  write_auth_file(host, "tester", "secret");
  auto pushed = push(host, "tls/app:1");
  ASSERT_TRUE(pushed.has_value()) << pushed.error().message;
  auto inspected = test::run("skopeo inspect --cert-dir " + (m_dir / "certs" / host).string() +
                             " --creds tester:secret docker://" + host + "/tls/app:1");
  ASSERT_EQ(inspected.status, 0) << inspected.output;
  EXPECT_NE(inspected.output.find(m_manifest.digest), std::string::npos) << inspected.output;
  auto pulled = pull(host, "tls/app:1");
  ASSERT_TRUE(pulled.has_value()) << pulled.error().message;
  EXPECT_EQ(pulled->manifest_digest, m_manifest.digest);
}

TEST_F(RegistryAuth, CredentialsFromADockerConfigCredentialHelper) {
  LocalRegistry registry(m_dir / "registry", {});
  ASSERT_TRUE(registry.start()) << registry.log();
  // A helper that knows only this registry, as docker-credential-* do.
  const auto helper = m_dir / "docker-credential-distilltest";
  ASSERT_TRUE(support::write_file_atomic(
      helper, fmt::format("#!/bin/sh\nread server\nif [ \"$server\" = \"{}\" ]; then\n"
                          "  echo '{{\"ServerURL\":\"{}\",\"Username\":\"helper-user\",\"Secret\":\"helper-pass\"}}'\n"
                          "else echo 'credentials not found in native keychain'; exit 1; fi\n",
                          registry.host(), registry.host()),
      0755));
  const auto config = m_dir / "docker" / "config.json";
  ASSERT_TRUE(support::write_file_atomic(
      config, fmt::format(R"({{"auths":{{"other.example":{{"auth":"{}"}}}},"credHelpers":{{"{}":"distilltest"}}}})",
                          base64_encode("a:b"), registry.host())));
  const std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", (m_dir.path().string() + ":" + old_path).c_str(), 1);
  auto found = find_credentials(AuthFiles{"", config}, registry.host());
  auto other = find_credentials(AuthFiles{"", config}, "other.example");
  auto none = find_credentials(AuthFiles{"", config}, "third.example");
  ::setenv("PATH", old_path.c_str(), 1);
  ASSERT_TRUE(found.has_value()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->username, "helper-user");
  EXPECT_EQ((*found)->password, "helper-pass");
  ASSERT_TRUE(other.has_value() && other->has_value());
  EXPECT_EQ((*other)->username, "a");
  EXPECT_EQ((*other)->password, "b");
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
}

TEST_F(RegistryAuth, BearerTokensFromATokenService) {
  make_cert("token");
  const int token_port = test::free_port();
  const auto realm = fmt::format("http://127.0.0.1:{}/token", token_port);
  Process service({"/usr/bin/python3", k_fixtures + "/registry_token_service.py", std::to_string(token_port),
                   (m_dir / "token.key").string(), (m_dir / "token.crt").string(), "distill-test-issuer", "tester",
                   "secret"});
  for (int i = 0; i < 300 && !test::port_open(token_port); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(test::port_open(token_port)) << "the token service did not start";
  test::RegistrySettings settings;
  settings.token_realm = realm;
  settings.token_service = "distill-test-registry";
  settings.token_issuer = "distill-test-issuer";
  settings.token_cert = m_dir / "token.crt";
  LocalRegistry registry(m_dir / "registry", settings);
  ASSERT_TRUE(registry.start()) << registry.log();
  const auto host = registry.host();

  write_auth_file(host, "tester", "wrong");
  auto refused = push(host, "tok/app:1");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("refused the credentials of tester"), std::string::npos)
      << refused.error().message;

  write_auth_file(host, "tester", "secret");
  int token_requests = 0;
  options.on_request = [&](std::string_view, std::string_view url) {
    token_requests += url.starts_with(realm) ? 1 : 0;
  };
  auto pushed = push(host, "tok/app:1");
  ASSERT_TRUE(pushed.has_value()) << pushed.error().message << "\n" << registry.log();
  // One pull,push token serves every request of the push (it is cached).
  EXPECT_EQ(token_requests, 1);
  auto pulled = pull(host, "tok/app:1");
  ASSERT_TRUE(pulled.has_value()) << pulled.error().message;
  EXPECT_EQ(pulled->manifest_digest, m_manifest.digest);
  auto anonymous = test::run("skopeo inspect --tls-verify=false docker://" + host + "/tok/app:1");
  EXPECT_NE(anonymous.status, 0) << "the registry let an anonymous client in: " << anonymous.output;
}

} // namespace
} // namespace distill::backend::registry
