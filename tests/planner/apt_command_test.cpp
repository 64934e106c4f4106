#include "planner/rewrite/apt_command.hpp"
#include "planner/shell/reader.hpp"
#include "planner/shell/walk.hpp"

#include <gtest/gtest.h>

#include <string>

namespace distill::planner::rewrite {
namespace {

// "action packages... | names... | refusal-cause"
std::string describe(const AptCommand& command) {
  static const char* k_actions[] = {"none",  "update", "install", "upgrade",     "remove", "purge",
                                    "autoremove", "clean", "mark", "save_manual", "query", "other"};
  std::string out = k_actions[static_cast<int>(command.action)];
  for (const PackageRequest& request : command.packages) {
    out += " " + request.name;
    if (!request.arch.empty()) out += ":" + request.arch;
    if (!request.suite.empty()) out += "/" + request.suite;
    if (!request.version.empty()) out += "=" + request.version;
  }
  for (const std::string& name : command.names) out += " " + name;
  if (command.recommends) out += *command.recommends ? " +rec" : " -rec";
  if (command.auto_remove) out += " +autoremove";
  if (!command.default_release.empty()) out += " -t " + command.default_release;
  if (!command.restore_manual.empty()) out += " restore=" + command.restore_manual;
  if (!command.save_manual.empty()) out += " save=" + command.save_manual;
  if (!command.refusal.empty()) out += " | " + command.cause;
  return out;
}

struct Case {
  const char* command;
  const char* expected;
};

const Case k_cases[] = {
    {"apt-get update", "update"},
    {"apt-get -qq update", "update"},
    {"apt-get install -y curl", "install curl"},
    {"apt-get -y --no-install-recommends install curl git", "install curl git -rec"},
    {"apt install -yq --install-recommends vim", "install vim +rec"},
    {"apt-get install -qqy -o APT::Install-Recommends=0 a1 b2", "install a1 b2 -rec"},
    {"apt-get install -y -oDpkg::Options::=--force-confold nginx", "install nginx"},
    {"apt-get install -y --option=Dpkg::Options::=--force-confnew nginx", "install nginx"},
    {"apt-get install -y libc6:i386 git=1:2.39 nginx/bookworm-backports", "install libc6:i386 git=1:2.39 nginx/bookworm-backports"},
    {"apt-get install -y g++ libstdc++6", "install g++ libstdc++6"},
    {"apt-get install -y 'openjdk-17*'", "install | package-pattern"},
    {"apt-get install -y ros-x=1.2*", "install ros-x=1.2*"},
    {"apt-get install -y ./local.deb", "install | local-deb"},
    {"apt-get install -y foo-", "install | remove-by-install"},
    {"apt-get install -y $PKGS", "install | variable-package-list"},
    {"apt-get install -y $(cat list)", "install | substitution-package-list"},
    {"apt-get install -y --allow-unauthenticated foo", "install foo | unsafe-option"},
    {"apt-get install --force-yes foo", "install foo | unsafe-option"},
    {"apt-get install -y --allow-downgrades --allow-change-held-packages foo", "install foo"},
    {"apt-get install -y -t bookworm-backports golang", "install golang -t bookworm-backports"},
    {"apt-get install --reinstall -y tzdata", "install tzdata | reinstall"},
    {"apt-get install -f -y", "install | fix-broken"},
    {"apt-get install -m curl", "install curl | apt-option"},
    {"apt-get install -y -o Acquire::Retries=3 curl", "install curl"},
    {"apt-get install -y -o Foo::Bar=1 curl", "install curl | apt-option"},
    {"DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata", "install tzdata"},
    {"sudo -E apt-get install -y curl", "install curl"},
    {"env DEBIAN_FRONTEND=noninteractive apt-get install -y curl", "install curl"},
    // The wrappers of planner/shell/wrappers.hpp, with their options; lint skips the same ones.
    {"nice -n 5 apt-get install -y foo", "install foo"},
    {"nice -10 apt-get install -y foo", "install foo"},
    {"timeout -s KILL 600 apt-get install -y foo", "install foo"},
    {"sudo -u root -- nice -n5 env -i PATH=/usr/bin eatmydata apt-get install -y foo", "install foo"},
    {"command -v apt-get", "none"},                    // -v runs nothing
    {"xargs -r apt-get install -y < /pkgs", "none"},   // xargs adds words from stdin: not a wrapper
    {"apt-get -y upgrade", "upgrade"},
    {"apt-get dist-upgrade -y", "upgrade"},
    {"apt-get purge -y --auto-remove gcc make", "purge gcc make +autoremove"},
    {"apt-get remove --purge -y curl", "purge curl"},
    {"apt-get remove -y curl", "remove curl"},
    {"apt-get autoremove -y", "autoremove +autoremove"},
    {"apt-get clean", "clean"},
    {"apt-get dist-clean", "clean"},
    {"apt-mark auto '.*'", "mark .*"},
    {"apt-mark manual make netbase", "mark make netbase"},
    {"apt-mark hold bash", "other | apt-mark-other"},
    {"apt-mark showmanual", "query"},
    {"savedAptMark=\"$(apt-mark showmanual)\"", "save_manual save=savedAptMark"},
    {"rm -rf /var/lib/apt/lists/*", "clean"},
    {"rm -rf /var/lib/apt/lists/* /tmp/x", "none"},
    {"apt-get source nginx", "other | apt-other"},
    {"aptitude install vim", "other | aptitude"},
    {"add-apt-repository ppa:foo/bar", "other | apt-sources"},
    {"add-apt-repository universe", "update"},
    {"apt-key add /tmp/key", "other | apt-sources"},
    {"dpkg -i /tmp/x.deb", "other | dpkg-install"},
    {"dpkg --add-architecture i386", "other | apt-sources"},
    {"dpkg --print-architecture", "none"},
    {"curl -fsSL https://example.invalid", "none"},
};

class AptCases : public testing::TestWithParam<Case> {};

TEST_P(AptCases, Reads) {
  const Case& c = GetParam();
  const shell::Script script = shell::read_script(c.command);
  const auto commands = shell::flatten(script);
  ASSERT_FALSE(commands.empty());
  AptContext context;
  EXPECT_EQ(describe(read_apt_command(*commands.back().command, context)), c.expected) << c.command;
}

INSTANTIATE_TEST_SUITE_P(Apt, AptCases, testing::ValuesIn(k_cases));

TEST(AptCommand, RestoresARecordedManualSet) {
  const shell::Script script = shell::read_script("apt-mark manual $savedAptMark");
  AptContext context;
  context.saved_manual = {"savedAptMark"};
  EXPECT_EQ(describe(read_apt_command(*shell::flatten(script).back().command, context)),
            "mark restore=savedAptMark");
}

TEST(AptCommand, ExpandsKnownVariables) {
  shell::Environment environment;
  environment.values = {{"V", "1.2-3"}, {"EXTRA", "jq less"}};
  AptContext context;
  context.environment = &environment;
  const shell::Script script = shell::read_script("apt-get install -y tool=${V} $EXTRA");
  EXPECT_EQ(describe(read_apt_command(*shell::flatten(script).back().command, context)), "install tool=1.2-3 jq less");
}

TEST(AptCommand, MentionsInstall) {
  const struct {
    const char* text;
    bool expected;
  } rows[] = {{"xargs -r apt-get install -y", true},
              {"sh -c 'apt-get install -y x'", true},
              {"apt-get -y install x", true},
              {"apt-get update", false},
              {"echo install", false}};
  for (const auto& row : rows) {
    const shell::Script script = shell::read_script(row.text);
    EXPECT_EQ(mentions_apt_install(*shell::flatten(script).back().command), row.expected) << row.text;
  }
}

TEST(AptCommand, PackageRequests) {
  EXPECT_FALSE(parse_package_request("/tmp/x.deb"));
  EXPECT_FALSE(parse_package_request("Foo"));
  EXPECT_FALSE(parse_package_request("x"));
  const auto request = parse_package_request("libssl3:amd64=3.0.15-1~deb12u1");
  ASSERT_TRUE(request);
  EXPECT_EQ(request->name, "libssl3");
  EXPECT_EQ(request->arch, "amd64");
  EXPECT_EQ(request->version, "3.0.15-1~deb12u1");
}

TEST(AptCommand, SourceChanges) {
  const std::string harmless = "Binary::apt::APT::Keep-Downloaded-Packages \"true\";";
  const std::string recommends = "APT::Install-Recommends \"false\";";
  EXPECT_TRUE(changes_apt_sources("/etc/apt/sources.list.d/x.list", nullptr));
  EXPECT_TRUE(changes_apt_sources("/usr/share/keyrings/x.gpg", nullptr));
  EXPECT_TRUE(changes_apt_sources("/etc/apt/preferences.d/pin", nullptr));
  EXPECT_FALSE(changes_apt_sources("/etc/apt/apt.conf.d/keep-cache", &harmless));
  EXPECT_TRUE(changes_apt_sources("/etc/apt/apt.conf.d/no-rec", &recommends));
  EXPECT_FALSE(changes_apt_sources("/etc/hosts", nullptr));
  EXPECT_TRUE(mentions_apt_sources("echo deb x > /etc/apt/sources.list.d/a.list"));
  EXPECT_FALSE(mentions_apt_sources("add-apt-repository universe"));
  EXPECT_TRUE(is_apt_cache_path("/var/lib/apt/lists/*"));
  EXPECT_TRUE(is_apt_cache_path("/var/cache/apt"));
  EXPECT_FALSE(is_apt_cache_path("/var/lib/apt/extended_states"));
}

} // namespace
} // namespace distill::planner::rewrite
