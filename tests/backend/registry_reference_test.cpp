#include "backend/registry/reference.hpp"

#include <gtest/gtest.h>

namespace distill::backend::registry {
namespace {

struct Case {
  const char* input;
  const char* domain;
  const char* path;
  const char* tag;
  const char* digest;
};

const std::string k_digest = "sha256:" + std::string(64, 'a');

TEST(RegistryReference, NormalisesLikeDocker) {
  const std::string d = std::string(k_default_domain);
  const std::string hub_digest = "busybox@" + k_digest;
  const std::string tagged_digest = "127.0.0.1:5000/app:1.0@" + k_digest;
  const std::string legacy = "index." + d + "/team/app";
  const Case cases[] = {
      {"debian", d.c_str(), "library/debian", "latest", ""},
      {"debian:bookworm-slim", d.c_str(), "library/debian", "bookworm-slim", ""},
      {"team/app:v1", d.c_str(), "team/app", "v1", ""},
      {legacy.c_str(), d.c_str(), "team/app", "latest", ""},
      {hub_digest.c_str(), d.c_str(), "library/busybox", "", k_digest.c_str()},
      {tagged_digest.c_str(), "127.0.0.1:5000", "app", "1.0", k_digest.c_str()},
      {"localhost/app", "localhost", "app", "latest", ""},
      {"localhost:5000/a/b/c:x_y.z-1", "localhost:5000", "a/b/c", "x_y.z-1", ""},
      {"registry.example:443/ns/img", "registry.example:443", "ns/img", "latest", ""},
      {"[::1]:5000/app:2", "[::1]:5000", "app", "2", ""},
      {"[fe80::1]/app", "[fe80::1]", "app", "latest", ""},
      {"a__b/c-d--e/f.g_h", d.c_str(), "a__b/c-d--e/f.g_h", "latest", ""},
      {"localhost:5000", d.c_str(), "library/localhost", "5000", ""},
      {"Host.Example/app", "Host.Example", "app", "latest", ""},
  };
  for (const auto& c : cases) {
    auto ref = parse_reference(c.input);
    ASSERT_TRUE(ref.has_value()) << c.input << ": " << ref.error().message;
    EXPECT_EQ(ref->domain, c.domain) << c.input;
    EXPECT_EQ(ref->path, c.path) << c.input;
    EXPECT_EQ(ref->tag, c.tag) << c.input;
    EXPECT_EQ(ref->digest, c.digest) << c.input;
  }
}

struct BadCase {
  const char* input;
  const char* message_part;
};

TEST(RegistryReference, RejectsWithClearErrors) {
  const std::string hex(64, 'b');
  const std::string long_tag = "app:" + std::string(129, 't');
  const BadCase cases[] = {
      {"", "empty"},
      {"Debian:12", "must be lower case"},
      {"127.0.0.1:5000/MyApp", "must be lower case (\"myapp\")"},
      {"app:", "tag after ':' is empty"},
      {"app:-x", "tag \"-x\""},
      {long_tag.c_str(), "longer than 128"},
      {"app@sha256:abc", "at least 32 hexadecimal"},
      {"app@sha256:0123456789abcdef0123456789abcdef", "64 lower-case"},
      {"app@md5:0123456789abcdef0123456789abcdef", "only sha256"},
      {"app@nodigest", "ALGORITHM:HEX"},
      {hex.c_str(), "image ID"},
      {"host:port/app", "not a number"},
      {"[::1/app", "no closing"},
      {"[zz]/app", "not an IPv6 address"},
      {"-bad.example/app", "not a valid registry host"},
      {"team//app", "not a valid repository path component"},
      {"team/app-", "not a valid repository path component"},
      {"team/a...b", "not a valid repository path component"},
      {"127.0.0.1:5000/", "repository name is empty"},
  };
  for (const auto& c : cases) {
    auto ref = parse_reference(c.input);
    ASSERT_FALSE(ref.has_value()) << c.input << " parsed as " << to_string(*ref);
    EXPECT_NE(ref.error().message.find(c.message_part), std::string::npos)
        << c.input << ": " << ref.error().message;
    EXPECT_NE(ref.error().message.find("invalid image reference"), std::string::npos);
  }
}

TEST(RegistryReference, PrintsAndHelpers) {
  auto ref = parse_reference("127.0.0.1:5000/app:1@" + k_digest);
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(to_string(*ref), "127.0.0.1:5000/app:1@" + k_digest);
  EXPECT_EQ(name_of(*ref), "127.0.0.1:5000/app");
  EXPECT_EQ(manifest_ref(*ref), k_digest);
  ref->digest.clear();
  EXPECT_EQ(manifest_ref(*ref), "1");
  EXPECT_EQ(api_host("127.0.0.1:5000"), "127.0.0.1:5000");
  EXPECT_NE(api_host(k_default_domain), std::string(k_default_domain));
  EXPECT_TRUE(is_loopback("127.0.0.1:5000"));
  EXPECT_TRUE(is_loopback("localhost"));
  EXPECT_TRUE(is_loopback("[::1]:5000"));
  EXPECT_FALSE(is_loopback("registry.example:5000"));
  EXPECT_FALSE(is_loopback("[fe80::1]"));
}

} // namespace
} // namespace distill::backend::registry
