#include "backend/archive/apt_sources.hpp"

#include "support/atomic_file.hpp"
#include "tests/backend/backend_test_support.hpp"

#include <gtest/gtest.h>

namespace distill::backend::archive {
namespace {

using Strings = std::vector<std::string>;

TEST(AptSourcesTest, ParsesOneLineEntriesWithOptions) {
  auto entries = parse_one_line_sources(
      "# a comment\n"
      "deb http://127.0.0.1/debian bookworm main contrib\n"
      "\n"
      "deb [arch=amd64,arm64 signed-by=/usr/share/keyrings/k.gpg] http://127.0.0.1/debian "
      "bookworm-updates main # trailing comment\n"
      "deb-src [ check-valid-until=no trusted=yes ] http://127.0.0.1/debian bookworm main\n",
      "sources.list");
  ASSERT_TRUE(entries.has_value()) << entries.error().message;
  ASSERT_EQ(entries->size(), 3u);
  const auto& a = (*entries)[0];
  EXPECT_EQ(a.types, Strings{"deb"});
  EXPECT_EQ(a.uris, Strings{"http://127.0.0.1/debian"});
  EXPECT_EQ(a.suites, Strings{"bookworm"});
  EXPECT_EQ(a.components, (Strings{"main", "contrib"}));
  EXPECT_EQ(a.line, 2u);
  const auto& b = (*entries)[1];
  EXPECT_EQ(b.architectures, (Strings{"amd64", "arm64"}));
  EXPECT_EQ(b.signed_by, Strings{"/usr/share/keyrings/k.gpg"});
  EXPECT_EQ(b.components, Strings{"main"});
  const auto& c = (*entries)[2];
  EXPECT_EQ(c.types, Strings{"deb-src"});
  EXPECT_EQ(c.check_valid_until, false);
  EXPECT_EQ(c.trusted, true);
}

TEST(AptSourcesTest, OneLineErrorsNameFileAndLine) {
  struct Case {
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {"\nrpm http://x/ suite main\n", "list:2: unknown source type \"rpm\""},
      {"deb http://x/\n", "list:1: malformed entry"},
      {"deb [arch=amd64 http://x/ bookworm main\n", "list:1: \"[\" without a closing \"]\""},
      {"deb http://x/ bookworm\n", "list:1: suite \"bookworm\" needs at least one component"},
      {"deb [trusted=maybe] http://x/ bookworm main\n", "list:1: option trusted must be yes or no"},
      {"deb [novalue] http://x/ bookworm main\n", "list:1: option \"novalue\" is not key=value"},
  };
  for (const auto& c : cases) {
    auto entries = parse_one_line_sources(c.text, "list");
    ASSERT_FALSE(entries.has_value()) << c.text;
    EXPECT_NE(entries.error().message.find(c.error), std::string::npos) << entries.error().message;
  }
}

TEST(AptSourcesTest, ParsesDeb822Stanzas) {
  auto entries = parse_deb822_sources(
      "Types: deb deb-src\n"
      "# a comment inside the stanza\n"
      "URIs: http://127.0.0.1/debian\n"
      "Suites: bookworm bookworm-updates\n"
      "Components: main non-free-firmware\n"
      "Architectures: amd64\n"
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
      "\n"
      "Types: deb\n"
      "URIs: http://127.0.0.1/other\n"
      "Suites: sid\n"
      "Components: main\n"
      "Enabled: no\n"
      "Check-Valid-Until: no\n"
      "Signed-By:\n"
      " -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
      " .\n"
      " bWFkZSB1cA==\n"
      " =abcd\n"
      " -----END PGP PUBLIC KEY BLOCK-----\n",
      "debian.sources");
  ASSERT_TRUE(entries.has_value()) << entries.error().message;
  ASSERT_EQ(entries->size(), 2u);
  const auto& a = (*entries)[0];
  EXPECT_EQ(a.types, (Strings{"deb", "deb-src"}));
  EXPECT_EQ(a.suites, (Strings{"bookworm", "bookworm-updates"}));
  EXPECT_EQ(a.components, (Strings{"main", "non-free-firmware"}));
  EXPECT_EQ(a.architectures, Strings{"amd64"});
  EXPECT_EQ(a.signed_by, Strings{"/usr/share/keyrings/debian-archive-keyring.gpg"});
  EXPECT_TRUE(a.enabled);
  const auto& b = (*entries)[1];
  EXPECT_FALSE(b.enabled);
  EXPECT_EQ(b.check_valid_until, false);
  EXPECT_TRUE(b.signed_by.empty());
  EXPECT_EQ(b.signed_by_key, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbWFkZSB1cA==\n=abcd\n"
                             "-----END PGP PUBLIC KEY BLOCK-----\n");
}

TEST(AptSourcesTest, Deb822ErrorsNameFileAndLine) {
  auto missing = parse_deb822_sources("Types: deb\nURIs: http://x/\n", "a.sources");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("a.sources:1: a source needs Types, URIs and Suites"),
            std::string::npos)
      << missing.error().message;
  auto flag = parse_deb822_sources("\nTypes: deb\nURIs: u\nSuites: s\nEnabled: perhaps\n", "b.sources");
  ASSERT_FALSE(flag.has_value());
  EXPECT_NE(flag.error().message.find("b.sources:2: Enabled must be yes or no"), std::string::npos)
      << flag.error().message;
}

TEST(AptSourcesTest, ReadsTheHostFilesInAptOrder) {
  distill::testing::TempDir root;
  const auto etc = root.path() / "etc/apt";
  ASSERT_TRUE(support::write_file_atomic(etc / "sources.list", "deb http://127.0.0.1/a one main\n"));
  ASSERT_TRUE(support::write_file_atomic(etc / "sources.list.d/b.sources",
                                         "Types: deb\nURIs: http://127.0.0.1/b\nSuites: two\n"
                                         "Components: main\n"));
  ASSERT_TRUE(support::write_file_atomic(etc / "sources.list.d/a.list",
                                         "deb http://127.0.0.1/c three main\n"));
  ASSERT_TRUE(support::write_file_atomic(etc / "sources.list.d/z.list.disabled",
                                         "deb http://127.0.0.1/d four main\n"));
  auto entries = read_host_apt_sources(root.path());
  ASSERT_TRUE(entries.has_value()) << entries.error().message;
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].suites, Strings{"one"});
  EXPECT_EQ((*entries)[1].suites, Strings{"three"});
  EXPECT_EQ((*entries)[2].suites, Strings{"two"});
  EXPECT_EQ((*entries)[2].file, (etc / "sources.list.d/b.sources").string());

  distill::testing::TempDir empty;
  auto none = read_host_apt_sources(empty.path());
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

} // namespace
} // namespace distill::backend::archive
