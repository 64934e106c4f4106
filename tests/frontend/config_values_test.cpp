// STOPSIGNAL and EXPOSE values, and the Go duration/int parsers.

#include "frontend/config_values.hpp"
#include "frontend/go_duration.hpp"
#include "frontend/platform_args.hpp"

#include <gtest/gtest.h>

namespace {

using namespace distill::frontend;

TEST(StopSignal, NamesNumbersAndErrors) {
  EXPECT_EQ(parse_stop_signal("SIGTERM"), 15);
  EXPECT_EQ(parse_stop_signal("term"), 15);
  EXPECT_EQ(parse_stop_signal("SIGKILL"), 9);
  EXPECT_EQ(parse_stop_signal("9"), 9);
  EXPECT_EQ(parse_stop_signal("SIGRTMIN+3"), 37);
  EXPECT_EQ(parse_stop_signal("RTMAX"), 64);
  EXPECT_EQ(parse_stop_signal("0").error().message, "invalid signal: 0");
  EXPECT_EQ(parse_stop_signal("SIGFOO").error().message, "invalid signal: SIGFOO");
}

TEST(ExposePorts, Specs) {
  using V = std::vector<std::string>;
  EXPECT_EQ(*expose_port_keys("80"), V{"80/tcp"});
  EXPECT_EQ(*expose_port_keys("53/UDP"), V{"53/udp"});
  EXPECT_EQ(*expose_port_keys("8000-8002/tcp"), (V{"8000/tcp", "8001/tcp", "8002/tcp"}));
  EXPECT_EQ(*expose_port_keys("127.0.0.1:80:8080"), V{"8080/tcp"});
  EXPECT_EQ(*expose_port_keys("80:8080/sctp"), V{"8080/sctp"});
  EXPECT_EQ(expose_port_keys("80/http").error().message, "invalid proto: http");
  EXPECT_EQ(expose_port_keys("70000").error().message, "invalid containerPort: 70000");
  EXPECT_EQ(expose_port_keys("abc").error().message, "invalid containerPort: abc");
}

TEST(GoDuration, ParsesLikeTime) {
  EXPECT_EQ(parse_go_duration("1h2m3s"), 3723'000'000'000LL);
  EXPECT_EQ(parse_go_duration("1.5ms"), 1'500'000LL);
  EXPECT_EQ(parse_go_duration(".5s"), 500'000'000LL);
  EXPECT_EQ(parse_go_duration("-2s"), -2'000'000'000LL);
  EXPECT_EQ(parse_go_duration("3\xC2\xB5s"), 3000LL);
  EXPECT_EQ(parse_go_duration("0"), 0LL);
  EXPECT_EQ(parse_go_duration("").error().message, "time: invalid duration \"\"");
  EXPECT_EQ(parse_go_duration("s").error().message, "time: invalid duration \"s\"");
  EXPECT_EQ(parse_go_duration("9999999999h").error().message, "time: invalid duration \"9999999999h\"");
  EXPECT_EQ(parse_go_int32("+12"), 12);
  EXPECT_EQ(parse_go_int32("-2147483648"), -2147483648LL);
  EXPECT_EQ(parse_go_int32("2147483648").error().message,
            "strconv.ParseInt: parsing \"2147483648\": value out of range");
}

TEST(Platforms, ParseAndNormalize) {
  EXPECT_EQ(format_platform(*parse_platform("linux/amd64")), "linux/amd64");
  EXPECT_EQ(format_platform(*parse_platform("linux/x86_64")), "linux/amd64");
  EXPECT_EQ(format_platform(*parse_platform("linux/aarch64")), "linux/arm64");
  EXPECT_EQ(format_platform(*parse_platform("linux/arm64/v8")), "linux/arm64");
  EXPECT_EQ(format_platform(*parse_platform("linux/arm")), "linux/arm/v7");
  EXPECT_EQ(format_platform(*parse_platform("linux/armhf")), "linux/arm/v7");
  EXPECT_EQ(format_platform(*parse_platform("LINUX/AMD64")), "linux/amd64");
  EXPECT_EQ(format_platform(*parse_platform("arm64")), "linux/arm64");
  EXPECT_FALSE(parse_platform("linux/").has_value());
  EXPECT_FALSE(parse_platform("plan10/amd64").has_value());
  EXPECT_FALSE(parse_platform("").has_value());
}

} // namespace

#include "frontend/image_reference.hpp"

namespace {

TEST(ImageReference, AcceptsAndRejectsLikeDistribution) {
  for (const char* good : {"debian", "debian:bookworm-slim", "library/debian:12", "ghcr.io/owner/image:v1.2.3",
                           "localhost:5000/a/b", "registry.local/a__b/c-d.e",
                           "alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                           "node:20-alpine@sha256:0123456789abcdef0123456789abcdef"}) {
    EXPECT_TRUE(check_image_reference(good).has_value()) << good;
  }
  EXPECT_EQ(check_image_reference("Debian").error().message,
            "invalid reference format: repository name (Debian) must be lowercase");
  EXPECT_TRUE(check_image_reference("Registry.Local/a").has_value()); // host names may have capitals
  EXPECT_EQ(check_image_reference("-bad/a").error().message, "invalid reference format");
  EXPECT_EQ(check_image_reference("debian:").error().message, "invalid reference format");
  EXPECT_EQ(check_image_reference("deb ian").error().message, "invalid reference format");
  EXPECT_EQ(check_image_reference("a:b:c").error().message, "invalid reference format");
  EXPECT_EQ(check_image_reference(std::string(64, 'a')).error().message,
            "invalid repository name (" + std::string(64, 'a') + "), cannot specify 64-byte hexadecimal strings");
}

} // namespace
