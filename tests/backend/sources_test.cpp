#include "backend/archive/sources.hpp"

#include "backend/archive/config_file.hpp"
#include "support/atomic_file.hpp"
#include "tests/backend/backend_test_support.hpp"

#include <gtest/gtest.h>

namespace distill::backend::archive {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

// A fake host (etc/apt, usr/share/keyrings), a build context and a config home.
class SourcesTest : public ::testing::Test {
protected:
  void SetUp() override {
    write("host/etc/apt/sources.list.d/debian.sources",
          "Types: deb\n"
          "URIs: http://127.0.0.1:9/debian/\n"
          "Suites: bookworm bookworm-updates\n"
          "Components: main\n"
          "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
          "\n"
          "Types: deb\n"
          "URIs: http://127.0.0.1:9/debian-security\n"
          "Suites: bookworm-security\n"
          "Components: main\n"
          "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
          "\n"
          "Types: deb\n"
          "URIs: http://127.0.0.1:9/debian\n"
          "Suites: trixie\n"
          "Components: main\n");
    write("host/etc/apt/sources.list",
          "deb [arch=arm64] http://127.0.0.1:9/ports bookworm main\n"
          "deb http://127.0.0.1:9/debian bookworm contrib\n"
          "deb-src http://127.0.0.1:9/debian bookworm main\n");
    m_context.root = m_temp.path() / "host";
    m_context.context_dir = m_temp.path() / "context";
    m_context.xdg_config_home = (m_temp.path() / "xdg").string();
    m_context.home = (m_temp.path() / "home").string();
  }
  void write(const std::string& relative, std::string_view text) {
    ASSERT_TRUE(support::write_file_atomic(m_temp.path() / relative, text).has_value());
  }
  std::vector<SourceSpec> find(const std::string& distro = "debian",
                               const std::string& release = "bookworm",
                               const std::string& arch = "amd64") {
    auto specs = find_sources(m_context, SuiteQuery{distro, release, arch});
    EXPECT_TRUE(specs.has_value()) << specs.error().message;
    return specs ? *specs : std::vector<SourceSpec>{};
  }

  distill::testing::TempDir m_temp;
  SourcesContext m_context;
};

TEST_F(SourcesTest, ReadsTheHostsAptSources) {
  const auto specs = find();
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].uri, "http://127.0.0.1:9/debian");
  EXPECT_EQ(specs[0].suite, "bookworm");
  // sources.list (read first) adds contrib to the same archive and suite.
  EXPECT_EQ(specs[0].components, (Strings{"contrib", "main"}));
  EXPECT_EQ(specs[0].architectures, Strings{"amd64"});
  EXPECT_EQ(specs[0].keyrings.files,
            std::vector<fs::path>{m_context.root / "usr/share/keyrings/debian-archive-keyring.gpg"});
  EXPECT_TRUE(specs[0].check_valid_until);
  EXPECT_FALSE(specs[0].optional);
  EXPECT_EQ(specs[1].suite, "bookworm-updates");
  EXPECT_EQ(specs[2].uri, "http://127.0.0.1:9/debian-security");
  EXPECT_EQ(specs[2].suite, "bookworm-security");
  EXPECT_NE(specs[2].origin.find("debian.sources:7"), std::string::npos) << specs[2].origin;
}

TEST_F(SourcesTest, HonoursArchitectureRestrictions) {
  const auto specs = find("debian", "bookworm", "arm64");
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(specs[0].uri, "http://127.0.0.1:9/ports");
  EXPECT_EQ(specs[0].architectures, Strings{"arm64"});
}

TEST_F(SourcesTest, UnknownReleaseSaysWhatTheHostHas) {
  auto specs = find_sources(m_context, SuiteQuery{"debian", "bullseye", "amd64"});
  ASSERT_FALSE(specs.has_value());
  const std::string& message = specs.error().message;
  EXPECT_NE(message.find("no package source for debian bullseye (amd64)"), std::string::npos) << message;
  EXPECT_NE(message.find("bookworm-security"), std::string::npos) << message;
  EXPECT_NE(message.find("pass --mirror URL or write distill.json"), std::string::npos) << message;
}

TEST_F(SourcesTest, RejectsFingerprintSignedBy) {
  write("host/etc/apt/sources.list.d/zz.list",
        "deb [signed-by=ABCDEF0123456789ABCDEF0123456789ABCDEF01] http://127.0.0.1:9/x bookworm main\n");
  auto specs = find_sources(m_context, SuiteQuery{"debian", "bookworm", "amd64"});
  ASSERT_FALSE(specs.has_value());
  EXPECT_NE(specs.error().message.find("zz.list:1: Signed-By \"ABCDEF"), std::string::npos)
      << specs.error().message;
}

TEST_F(SourcesTest, InlineSignedByKeyAndDefaultKeyring) {
  write("host/etc/apt/sources.list.d/ubuntu.sources",
        "Types: deb\nURIs: http://127.0.0.1:9/ubuntu\nSuites: noble noble-updates\n"
        "Components: main universe\n"
        "Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n bWFkZSB1cA==\n"
        " -----END PGP PUBLIC KEY BLOCK-----\n\n"
        "Types: deb\nURIs: http://127.0.0.1:9/ubuntu\nSuites: noble-security\nComponents: main\n");
  const auto specs = find("ubuntu", "noble");
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].distro, "ubuntu");
  ASSERT_EQ(specs[0].keyrings.armored.size(), 1u);
  EXPECT_TRUE(specs[0].keyrings.armored[0].starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"));
  EXPECT_EQ(specs[2].keyrings.files,
            std::vector<fs::path>{m_context.root / "usr/share/keyrings/ubuntu-archive-keyring.gpg"});
}

TEST_F(SourcesTest, CommandLineWinsOverEverything) {
  write("context/distill.json", R"({"debian": {"mirror": "http://127.0.0.1:8/ctx"}})");
  m_context.cli.mirrors = {"http://127.0.0.1:7/cli/"};
  m_context.cli.security_mirrors = {"http://127.0.0.1:7/cli-security"};
  m_context.cli.keyrings = {"/k/mine.gpg"};
  const auto specs = find();
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].uri, "http://127.0.0.1:7/cli");
  EXPECT_EQ(specs[0].suite, "bookworm");
  EXPECT_FALSE(specs[0].optional);
  EXPECT_EQ(specs[1].suite, "bookworm-updates");
  EXPECT_TRUE(specs[1].optional);
  EXPECT_EQ(specs[2].uri, "http://127.0.0.1:7/cli-security");
  EXPECT_EQ(specs[2].suite, "bookworm-security");
  EXPECT_EQ(specs[0].origin, "--mirror");
  EXPECT_EQ(specs[0].keyrings.files, std::vector<fs::path>{"/k/mine.gpg"});
  EXPECT_EQ(specs[0].components, Strings{"main"});
}

TEST_F(SourcesTest, ContextConfigWinsOverUserConfigAndHost) {
  write("xdg/distill/config.json", R"({"debian": {"mirror": "http://127.0.0.1:6/user"}})");
  EXPECT_EQ(find()[0].uri, "http://127.0.0.1:6/user");
  write("context/distill.json",
        R"({"debian": {"mirrors": ["http://127.0.0.1:8/ctx"], "suites": ["{suite}"],
             "components": ["main", "contrib"], "architectures": ["amd64", "i386"],
             "keyring": "/k/ctx.gpg"}})");
  const auto specs = find();
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].uri, "http://127.0.0.1:8/ctx");
  EXPECT_EQ(specs[0].components, (Strings{"main", "contrib"}));
  EXPECT_EQ(specs[0].architectures, (Strings{"amd64", "i386"}));
  EXPECT_EQ(specs[0].keyrings.files, std::vector<fs::path>{"/k/ctx.gpg"});
  EXPECT_NE(specs[0].origin.find("distill.json"), std::string::npos);
  // A config that does not mention the distro falls through to the host.
  EXPECT_EQ(find("ubuntu", "bookworm")[0].uri, "http://127.0.0.1:9/debian");
}

TEST_F(SourcesTest, UserConfigDefaultsToHomeDotConfig) {
  m_context.xdg_config_home.clear();
  write("home/.config/distill/config.json", R"({"debian": {"mirror": "http://127.0.0.1:5/home"}})");
  EXPECT_EQ(find()[0].uri, "http://127.0.0.1:5/home");
}

TEST_F(SourcesTest, SnapshotReplacesEveryArchive) {
  m_context.cli.snapshot = "http://127.0.0.1:4/archive/{archive}/20250520T000000Z/";
  const auto specs = find();
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].uri, "http://127.0.0.1:4/archive/debian/20250520T000000Z");
  EXPECT_EQ(specs[2].uri, "http://127.0.0.1:4/archive/debian-security/20250520T000000Z");
  EXPECT_TRUE(specs[0].snapshot);
  EXPECT_FALSE(specs[0].check_valid_until);
}

TEST_F(SourcesTest, ConfigSnapshotAloneNamesTheArchives) {
  write("context/distill.json",
        R"({"debian": {"snapshot": "http://127.0.0.1:4/archive/{archive}/20250520T000000Z"}})");
  const auto specs = find();
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].uri, "http://127.0.0.1:4/archive/debian/20250520T000000Z");
  EXPECT_EQ(specs[1].suite, "bookworm-updates");
  EXPECT_EQ(specs[2].uri, "http://127.0.0.1:4/archive/debian-security/20250520T000000Z");
}

TEST(ExpandSnapshotTest, Table) {
  struct Case {
    const char* snapshot;
    const char* mirror;
    const char* expected;
  };
  const Case cases[] = {
      {"http://s/archive/{archive}/T", "http://m/debian", "http://s/archive/debian/T"},
      {"http://s/archive/{archive}/T", "http://m/debian-security/", "http://s/archive/debian-security/T"},
      {"http://s/ubuntu/T/", "http://m/ubuntu", "http://s/ubuntu/T"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(expand_snapshot(c.snapshot, c.mirror), c.expected);
  }
}

TEST(ConfigFileTest, RejectsMistakesWithTheirPath) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"[1]", "expected a JSON object"},
      {"{", "not valid JSON"},
      {R"({"debian": {"mirror": "u", "mirorr": "v"}})", "debian.mirorr: unknown setting"},
      {R"({"debian": {"suites": ["a"]}})", "debian: needs \"mirror\" or \"snapshot\""},
      {R"({"debian": {"mirror": 3}})", "debian.mirror: expected a string or a list of strings"},
      {R"({"debian": {"mirror": "u", "components": ["main", 1]}})", "debian.components: every entry"},
      {R"({"debian": "u"})", "debian: expected an object"},
  };
  for (const auto& c : cases) {
    auto config = parse_config(c.text, "ctx/distill.json");
    ASSERT_FALSE(config.has_value()) << c.text;
    EXPECT_NE(config.error().message.find(c.error), std::string::npos) << config.error().message;
    EXPECT_NE(config.error().message.find("ctx/distill.json"), std::string::npos);
  }
}

TEST_F(SourcesTest, ConfigArchitecturesMustIncludeTheBuilds) {
  write("context/distill.json", R"({"debian": {"mirror": "http://127.0.0.1:8/d", "architectures": "arm64"}})");
  auto specs = find_sources(m_context, SuiteQuery{"debian", "bookworm", "amd64"});
  ASSERT_FALSE(specs.has_value());
  EXPECT_NE(specs.error().message.find("debian.architectures does not include amd64"), std::string::npos)
      << specs.error().message;
}

} // namespace
} // namespace distill::backend::archive
