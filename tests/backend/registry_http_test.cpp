// The registry transport's retry decisions and timeouts, which are the fetch
// layer's (backend/fetch): no registry needed.

#include "backend/registry/client.hpp"
#include "backend/registry/http.hpp"
#include "backend_test_support.hpp"

#include <chrono>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace distill::backend::registry {
namespace {

HttpResponse reply(long status, std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse out;
  out.status = status;
  out.headers = std::move(headers);
  return out;
}

TEST(RegistryHttp, WhatIsWorthAnotherTryComesFromStatusAndErrorCode) {
  EXPECT_TRUE(reply(503).worth_retry());
  EXPECT_TRUE(reply(500).worth_retry());
  EXPECT_TRUE(reply(429).worth_retry());
  EXPECT_FALSE(reply(400).worth_retry());
  EXPECT_FALSE(reply(401).worth_retry());
  EXPECT_FALSE(reply(404).worth_retry());
  EXPECT_FALSE(reply(501).worth_retry());

  HttpResponse cut;
  cut.error = "Connection refused";
  cut.transient = true;
  EXPECT_TRUE(cut.worth_retry());
  // The text does not matter, the transport's verdict does.
  HttpResponse refused_certificate;
  refused_certificate.error = "Connection refused";
  refused_certificate.cert_failure = true;
  EXPECT_FALSE(refused_certificate.worth_retry());

  EXPECT_EQ(reply(429, {{"retry-after", "7"}}).retry_after(), std::chrono::seconds(7));
  EXPECT_EQ(reply(429, {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}}).retry_after(), std::nullopt);
  EXPECT_EQ(reply(429).retry_after(), std::nullopt);
}

// A socket that completes TCP handshakes (the kernel's backlog) but never
// answers: a registry that hangs.
class SilentServer {
public:
  SilentServer() {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(m_fd, 16);
    socklen_t length = sizeof address;
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length);
    m_port = ntohs(address.sin_port);
  }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  ~SilentServer() { ::close(m_fd); }
  std::string host() const { return "127.0.0.1:" + std::to_string(m_port); }

private:
  int m_fd = -1;
  int m_port = 0;
};

TEST(RegistryHttp, ASilentRegistryTimesOutAsTheFetchOptionsSay) {
  distill::testing::ensure_curl();
  SilentServer server;
  ClientOptions options;
  options.certs_dirs.clear();
  options.retry.max_attempts = 1;
  options.retry.connect_timeout = std::chrono::seconds(1);
  options.retry.low_speed_time = std::chrono::seconds(1);
  Session session(server.host(), options);
  const auto start = std::chrono::steady_clock::now();
  auto manifest = session.get_manifest("app", "latest");
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(manifest.has_value());
  EXPECT_NE(manifest.error().message.find("cannot reach the registry " + server.host()), std::string::npos)
      << manifest.error().message;
  // The TLS handshake and the plain request each give up after about a
  // second, not after the 20 s and 30 s of the defaults.
  EXPECT_LT(took, std::chrono::seconds(8));
}

} // namespace
} // namespace distill::backend::registry
