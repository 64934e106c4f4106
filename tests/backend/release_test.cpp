#include "backend/archive/release.hpp"

#include <gtest/gtest.h>

namespace distill::backend::archive {
namespace {

const std::string k_sha_a(64, 'a');
const std::string k_sha_b(64, 'b');

std::string release_text() {
  return "Origin: Debian\n"
         "Label: Debian\n"
         "Suite: stable\n"
         "Version: 12.5\n"
         "Codename: bookworm\n"
         "Date: Sat, 10 Feb 2024 09:48:11 UTC\n"
         "Valid-Until: Sat, 17 Feb 2024 09:48:11 UTC\n"
         "Acquire-By-Hash: yes\n"
         "No-Support-for-Architecture-all: Packages\n"
         "Architectures: all amd64 arm64\n"
         "Components: main contrib\n"
         "Description: Debian 12.5 Released 10 February 2024\n"
         "MD5Sum:\n"
         " 0123456789abcdef0123456789abcdef  1234 main/binary-amd64/Packages\n"
         "SHA256:\n"
         " " + k_sha_a + "   8812345 main/binary-amd64/Packages\n"
         " " + k_sha_b + "         42 main/binary-amd64/Packages.xz\n";
}

TEST(ReleaseTest, ParsesFieldsAndTheSha256List) {
  auto release = parse_release(release_text(), "InRelease");
  ASSERT_TRUE(release.has_value()) << release.error().message;
  EXPECT_EQ(release->suite, "stable");
  EXPECT_EQ(release->codename, "bookworm");
  EXPECT_EQ(release->version, "12.5");
  EXPECT_TRUE(release->acquire_by_hash);
  EXPECT_EQ(release->architectures, (std::vector<std::string>{"all", "amd64", "arm64"}));
  EXPECT_EQ(release->components, (std::vector<std::string>{"main", "contrib"}));
  ASSERT_EQ(release->files.size(), 2u);
  EXPECT_EQ(release->files.at("main/binary-amd64/Packages").sha256, k_sha_a);
  EXPECT_EQ(release->files.at("main/binary-amd64/Packages").size, 8812345u);
  EXPECT_EQ(release->files.at("main/binary-amd64/Packages.xz").size, 42u);
  EXPECT_EQ(release->date, std::time_t{1707558491});
  EXPECT_EQ(release->valid_until, std::time_t{1708163291});
  EXPECT_EQ(release->pin_priority(), 500);
}

TEST(ReleaseTest, PinPriorityFollowsNotAutomatic) {
  auto backports = parse_release("Suite: bookworm-backports\nNotAutomatic: yes\n"
                                 "ButAutomaticUpgrades: yes\nSHA256:\n",
                                 "InRelease");
  ASSERT_TRUE(backports.has_value()) << backports.error().message;
  EXPECT_EQ(backports->pin_priority(), 100);
  auto experimental = parse_release("Suite: experimental\nNotAutomatic: yes\nSHA256:\n", "InRelease");
  EXPECT_EQ(experimental->pin_priority(), 1);
}

TEST(ReleaseTest, ParsesDates) {
  EXPECT_EQ(parse_release_date("Thu, 01 Jan 1970 00:00:00 UTC"), std::time_t{0});
  EXPECT_EQ(parse_release_date("1 Jan 1970 00:01:00 GMT"), std::time_t{60});
  EXPECT_EQ(parse_release_date("Tue, 14 Nov 2023 22:13:20 +0000"), std::time_t{1700000000});
  EXPECT_FALSE(parse_release_date("Tue, 14 Foo 2023 22:13:20 UTC").has_value());
  EXPECT_FALSE(parse_release_date("Tue, 14 Nov 2023 22:13:20 CET").has_value());
  EXPECT_FALSE(parse_release_date("yesterday").has_value());
}

TEST(ReleaseTest, RejectsMalformedFiles) {
  struct Case {
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {"Suite: stable\n", "no SHA256 list"},
      {"Suite: stable\nSHA256:\n " + k_sha_a + " 12\n", "malformed SHA256 line"},
      {"Suite: stable\nSHA256:\n nothex 12 main/x\n", "malformed SHA256 line"},
      {"Suite: stable\nSHA256:\n " + k_sha_a + " -1 main/x\n", "malformed SHA256 line"},
      {"Suite: stable\nDate: someday\nSHA256:\n", "cannot read the Date \"someday\""},
      {"Suite: stable\n\nSuite: again\nSHA256:\n", "expected one stanza, found 2"},
  };
  for (const auto& c : cases) {
    auto release = parse_release(c.text, "X/InRelease");
    ASSERT_FALSE(release.has_value()) << c.text;
    EXPECT_NE(release.error().message.find(c.error), std::string::npos) << release.error().message;
  }
}

TEST(ReleaseTest, ChecksSuiteAndExpiry) {
  auto release = *parse_release(release_text(), "InRelease");
  const std::time_t before = 1708000000;
  const std::time_t after = 1709000000;
  EXPECT_TRUE(check_release(release, "bookworm", before, true, "R").has_value());
  EXPECT_TRUE(check_release(release, "stable", before, true, "R").has_value());
  auto other = check_release(release, "trixie", before, true, "R");
  ASSERT_FALSE(other.has_value());
  EXPECT_NE(other.error().message.find("asked for suite trixie, but the file is for Suite \"stable\", "
                                       "Codename \"bookworm\""),
            std::string::npos)
      << other.error().message;
  auto expired = check_release(release, "bookworm", after, true, "R");
  ASSERT_FALSE(expired.has_value());
  EXPECT_NE(expired.error().message.find("R has expired (Valid-Until 2024-02-17 09:48:11 UTC)"),
            std::string::npos)
      << expired.error().message;
  EXPECT_TRUE(check_release(release, "bookworm", after, false, "R").has_value());
}

} // namespace
} // namespace distill::backend::archive
