#include "backend/archive/keyring.hpp"

#include "support/atomic_file.hpp"
#include "tests/backend/apt_repo_fixture.hpp"

#include <gtest/gtest.h>

namespace distill::backend::archive {
namespace {

TEST(KeyringTest, DearmorGivesWhatGpgExports) {
  auto repo = distill::testing::apt_repo_fixture();
  ASSERT_TRUE(repo.has_value()) << repo.error();
  const auto armored = *support::read_file(repo->keyring.parent_path() / "archive-keyring.asc");
  EXPECT_TRUE(is_armored(armored));
  auto packets = dearmor(armored, "archive-keyring.asc");
  ASSERT_TRUE(packets.has_value()) << packets.error().message;
  EXPECT_EQ(*packets, *support::read_file(repo->keyring));
  EXPECT_FALSE(is_armored(*packets));
}

TEST(KeyringTest, DearmorRejectsBrokenBlocks) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"no armor here", "k: no armored OpenPGP block found"},
      {"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbWFkZSB1cA==\n", "has no END line"},
      {"-----BEGIN PGP PUBLIC KEY BLOCK-----\nbWFkZSB1cA==\n-----END PGP PUBLIC KEY BLOCK-----\n",
       "no blank line before its data"},
      {"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!not base64!!!\n-----END PGP PUBLIC KEY BLOCK-----\n",
       "not valid base64"},
  };
  for (const auto& c : cases) {
    auto packets = dearmor(c.text, "k");
    ASSERT_FALSE(packets.has_value()) << c.text;
    EXPECT_NE(packets.error().message.find(c.error), std::string::npos) << packets.error().message;
  }
  EXPECT_EQ(*dearmor("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbWFkZSB1cA==\n=abcd\n"
                     "-----END PGP PUBLIC KEY BLOCK-----\n",
                     "k"),
            "made up");
}

TEST(KeyringTest, DefaultKeyringsPerDistro) {
  EXPECT_EQ(default_keyring_path("debian"), "/usr/share/keyrings/debian-archive-keyring.gpg");
  EXPECT_EQ(default_keyring_path("ubuntu", "/r"), "/r/usr/share/keyrings/ubuntu-archive-keyring.gpg");
  EXPECT_TRUE(default_keyring_path("alpine").empty());
}

} // namespace
} // namespace distill::backend::archive
