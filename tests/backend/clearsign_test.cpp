#include "backend/archive/clearsign.hpp"

#include <gtest/gtest.h>

namespace distill::backend::archive {
namespace {

constexpr std::string_view k_signature = "-----BEGIN PGP SIGNATURE-----\n"
                                         "\n"
                                         "iHUEARYKAB0WIQQ=\n"
                                         "=abcd\n"
                                         "-----END PGP SIGNATURE-----\n";

std::string document(std::string_view before, std::string_view body, std::string_view after = "") {
  return std::string(before) + "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n" +
         std::string(body) + std::string(k_signature) + std::string(after);
}

TEST(ClearsignTest, SplitsBodyAndSignature) {
  auto parts = split_clearsigned(document("", "Origin: Debian\nSuite: stable\n"), "InRelease");
  ASSERT_TRUE(parts.has_value()) << parts.error().message;
  EXPECT_EQ(parts->body, "Origin: Debian\nSuite: stable\n");
  EXPECT_EQ(parts->signature, k_signature);
}

TEST(ClearsignTest, RemovesDashEscapesAndAcceptsCrlfAndBlankSurroundings) {
  auto parts = split_clearsigned(document("\n \n", "- -----not armor\r\n- - dash\nplain\n", "\n\n"),
                                 "InRelease");
  ASSERT_TRUE(parts.has_value()) << parts.error().message;
  EXPECT_EQ(parts->body, "-----not armor\n- dash\nplain\n");
}

TEST(ClearsignTest, RejectsWhatAptRejects) {
  struct Case {
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {"Origin: Debian\n", "not a clearsigned file (line 1"},
      {document("Unsigned: prefix\n", "A: b\n"), "not a clearsigned file"},
      {document("", "A: b\n", "Unsigned: suffix\n"), "line 10: unsigned data after the signature"},
      {document("", "A: b\n-----BEGIN PGP SIGNED MESSAGE-----\n"), "a second message or a bad dash-escape"},
      {"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\nComment: x\n\nA: b\n" + std::string(k_signature),
       "unexpected armor header \"Comment: x\""},
      {"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nA: b\n", "has no signature"},
      {"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n", "has no body"},
      {document("", "A: b\n").substr(0, document("", "A: b\n").find("-----END")), "has no end line"},
  };
  for (const auto& c : cases) {
    auto parts = split_clearsigned(c.text, "X/InRelease");
    ASSERT_FALSE(parts.has_value()) << c.text;
    EXPECT_NE(parts.error().message.find(c.error), std::string::npos)
        << parts.error().message << "\nwanted: " << c.error;
    EXPECT_TRUE(parts.error().message.starts_with("X/InRelease")) << parts.error().message;
  }
}

} // namespace
} // namespace distill::backend::archive
