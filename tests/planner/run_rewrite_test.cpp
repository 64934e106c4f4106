#include "planner/plan_dump.hpp"
#include "planner/rewrite/run_rewrite.hpp"

#include <gtest/gtest.h>

#include <string>

namespace distill::planner::rewrite {
namespace {

std::string describe(const RunRewrite& result) {
  std::string out;
  for (const PlacedOp& placed : result.ops) {
    out += describe_op(placed.op) + "\n";
  }
  static const char* k_outcomes[] = {"full", "partial", "kept"};
  out += k_outcomes[static_cast<int>(result.outcome)];
  if (!result.cause.empty()) {
    out += " [" + result.cause + "]";
  }
  out += "\n";
  return out;
}

struct Case {
  const char* name;
  const char* script;
  const char* expected;
};

const Case k_cases[] = {
    {"conventional chain",
     "apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*",
     "InstallPackages curl ca-certificates [no-recommends]\n"
     "Remove /var/lib/apt/lists/* [recursive] [force] [apt cache]\n"
     "full\n"},
    {"set -eux semicolons",
     "set -eux; apt-get update; apt-get install -y --no-install-recommends tini; rm -rf /var/lib/apt/lists/*; tini --version",
     "InstallPackages tini [no-recommends]\n"
     "Remove /var/lib/apt/lists/* [recursive] [force] [apt cache]\n"
     "Run \"set -eux\\ntini --version\"\n"
     "partial [other-command]\n"},
    {"versions arches suites and options",
     "apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get -o Dpkg::Options::=--force-confold install -qqy "
     "-o APT::Install-Recommends=false libc6:i386 git=1:2.39.2-1 nginx/bookworm-backports 'curl=7.88*'",
     "InstallPackages libc6:i386 git=1:2.39.2-1 nginx/bookworm-backports curl=7.88* [no-recommends]\nfull\n"},
    {"apt install and target release",
     "apt update && apt install -y -t bookworm-backports golang",
     "InstallPackages golang [release=bookworm-backports]\nfull\n"},
    {"different recommends split ops",
     "apt-get install -y --no-install-recommends curl && apt-get install -y git",
     "InstallPackages curl [no-recommends]\nInstallPackages git\nfull\n"},
    {"install then purge auto-remove",
     "apt-get update && apt-get install -y build-essential && make && apt-get purge -y --auto-remove build-essential",
     "InstallPackages build-essential\nRun \"make\"\nInstallPackages [purge build-essential] [auto-remove]\npartial [other-command]\n"},
    {"savedAptMark idiom",
     "set -eux; savedAptMark=\"$(apt-mark showmanual)\"; apt-get update; apt-get install -y --no-install-recommends "
     "wget gnupg; wget -O /usr/local/bin/gosu \"$url\"; apt-mark auto '.*' > /dev/null; [ -z \"$savedAptMark\" ] || "
     "apt-mark manual $savedAptMark > /dev/null; apt-get purge -y --auto-remove -o "
     "APT::AutoRemove::RecommendsImportant=false; chmod +x /usr/local/bin/gosu; gosu --version",
     "InstallPackages [save-manual=savedAptMark] wget gnupg [no-recommends]\n"
     "Run \"set -eux\\nwget -O /usr/local/bin/gosu \\\"$url\\\"\"\n"
     "InstallPackages [mark-auto .*] [restore-manual=savedAptMark] [auto-remove, recommends not important]\n"
     "Chmod +x /usr/local/bin/gosu\n"
     "Run \"set -eux\\ngosu --version\"\n"
     "partial [other-command]\n"},
    {"savedAptMark with computed marks",
     "set -eux; savedAptMark=\"$(apt-mark showmanual)\"; apt-get update; apt-get install -y gcc make; make; "
     "apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; find /usr/local -type f -executable -exec ldd "
     "'{}' ';' | awk '/=>/ { print $(NF-1) }' | xargs -r dpkg-query --search | cut -d: -f1 | sort -u | xargs -r "
     "apt-mark manual; apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; rm -rf "
     "/var/lib/apt/lists/*",
     "InstallPackages [save-manual=savedAptMark] gcc make\n"
     "Run \"set -eux\\nmake\"\n"
     "InstallPackages [mark-auto .*] [restore-manual=savedAptMark]\n"
     "Run \"set -eux\\nfind /usr/local -type f -executable -exec ldd '{}' ';' | awk '/=>/ { print $(NF-1) }' | "
     "xargs -r dpkg-query --search | cut -d: -f1 | sort -u | xargs -r apt-mark manual\"\n"
     "InstallPackages [auto-remove, recommends not important]\n"
     "Remove /var/lib/apt/lists/* [recursive] [force] [apt cache]\n"
     "partial [other-command]\n"},
    {"literal package variable",
     "set -ex; buildDeps='gcc libc6-dev'; apt-get update; apt-get install -y $buildDeps; make; apt-get purge -y "
     "--auto-remove $buildDeps",
     "InstallPackages gcc libc6-dev\nRun \"set -ex\\nbuildDeps='gcc libc6-dev'\\nmake\"\n"
     "InstallPackages [purge gcc libc6-dev] [auto-remove]\npartial [other-command]\n"},
    {"unknown package variable",
     "apt-get update && apt-get install -y $PACKAGES && rm -rf /var/lib/apt/lists/*",
     "Run \"apt-get update && apt-get install -y $PACKAGES && rm -rf /var/lib/apt/lists/*\"\nkept [variable-package-list]\n"},
    {"command substitution in package list",
     "apt-get install -y $(cat /packages.txt)",
     "Run \"apt-get install -y $(cat /packages.txt)\"\nkept [substitution-package-list]\n"},
    {"or true after install",
     "apt-get update && apt-get install -y curl || true",
     "Run \"apt-get update && apt-get install -y curl || true\"\nkept [tolerated-failure]\n"},
    {"install inside if",
     "set -e; if [ -n \"$WITH_FOO\" ]; then apt-get install -y foo; fi",
     "Run \"set -e; if [ -n \\\"$WITH_FOO\\\" ]; then apt-get install -y foo; fi\"\nkept [conditional-install]\n"},
    {"uname test decided by the platform",
     "set -e; if [ \"$(uname -m)\" = x86_64 ]; then apt-get install -y foo; fi",
     "InstallPackages foo\nfull\n"},
    {"backquoted uname test, else branch",
     "set -e; if [ `uname -m` != 'x86_64' ]; then apt-get install -y foo; else apt-get install -y bar; fi",
     "InstallPackages bar\nfull [branch-not-run]\n"},
    {"dpkg arch variable and case",
     "set -eux; dpkgArch=\"$(dpkg --print-architecture)\"; case \"${dpkgArch##*-}\" in amd64|arm64) apt-get install -y foo ;; "
     "*) echo unsupported; exit 1 ;; esac; foo --version",
     "InstallPackages foo\nRun \"set -eux\\nfoo --version\"\npartial [other-command]\n"},
    {"taken branch with shell around it",
     "set -e; make a; case \"$(dpkg --print-architecture)\" in arm64) echo no ;; amd64) make; apt-get install -y foo; "
     "make install ;; esac; make c",
     "Run \"set -e\\nmake a\\nmake\"\nInstallPackages foo\nRun \"set -e\\nmake install\\nmake c\"\npartial [other-command]\n"},
    {"no branch runs",
     "set -e; if [ \"$(uname -m)\" = aarch64 ]; then apt-get install -y foo; fi; apt-get install -y bar",
     "InstallPackages bar\nfull [branch-not-run]\n"},
    {"arch test combined with another stays conditional",
     "set -e; if [ \"$(uname -m)\" = x86_64 ] && [ -n \"$X\" ]; then apt-get install -y foo; fi",
     "Run \"set -e; if [ \\\"$(uname -m)\\\" = x86_64 ] && [ -n \\\"$X\\\" ]; then apt-get install -y foo; fi\"\n"
     "kept [conditional-install]\n"},
    {"arch case inside an and-list stays conditional",
     "set -e; true && case \"$(dpkg --print-architecture)\" in amd64) apt-get install -y foo ;; esac",
     "Run \"set -e; true && case \\\"$(dpkg --print-architecture)\\\" in amd64) apt-get install -y foo ;; esac\"\n"
     "kept [conditional-install]\n"},
    {"reassigned arch variable is not known",
     "set -e; arch=\"$(dpkg --print-architecture)\"; arch=\"$1\"; case \"$arch\" in amd64) apt-get install -y foo ;; esac",
     "Run \"set -e; arch=\\\"$(dpkg --print-architecture)\\\"; arch=\\\"$1\\\"; case \\\"$arch\\\" in amd64) apt-get install -y foo ;; esac\"\n"
     "kept [conditional-install]\n"},
    {"mirror switch then install",
     "sed -i 's|http://deb.debian.org/debian|http://mirror.invalid/debian|g' /etc/apt/sources.list.d/debian.sources "
     "&& apt-get update && apt-get install -y curl",
     "Run \"sed -i 's|http://deb.debian.org/debian|http://mirror.invalid/debian|g' /etc/apt/sources.list.d/debian.sources\"\n"
     "InstallPackages curl\npartial [other-command]\n"},
    {"suite switch is a sources change",
     "sed -i 's/bookworm/trixie/g' /etc/apt/sources.list && apt-get update && apt-get install -y curl",
     "Run \"sed -i 's/bookworm/trixie/g' /etc/apt/sources.list && apt-get update && apt-get install -y curl\"\n"
     "kept [apt-sources-changed]\n"},
    {"and-chain without set -e",
     "groupadd -r app && apt-get update && apt-get install -y curl && X=1; make; make install",
     "AddGroup app [system] [groupadd]\nInstallPackages curl\nRun \"X=1\\nmake; make install\"\npartial [other-command]\n"},
    {"install ending an and-chain without set -e",
     "apt-get update && apt-get install -y curl; make",
     "Run \"apt-get update && apt-get install -y curl; make\"\nkept [no-errexit]\n"},
    {"and-chain after an unchecked command without set -e",
     "make; apt-get install -y curl && make install; echo done",
     "Run \"make; apt-get install -y curl && make install; echo done\"\nkept [no-errexit]\n"},
    {"local deb",
     "apt-get install -y ./package.deb",
     "Run \"apt-get install -y ./package.deb\"\nkept [local-deb]\n"},
    {"dpkg -i",
     "dpkg -i /tmp/x.deb && apt-get install -f -y",
     "Run \"dpkg -i /tmp/x.deb && apt-get install -f -y\"\nkept [fix-broken]\n"},
    {"apt source added first",
     "echo 'deb http://example.invalid/ stable main' > /etc/apt/sources.list.d/x.list && apt-get update && apt-get "
     "install -y xyz",
     "WriteFile /etc/apt/sources.list.d/x.list \"deb http://example.invalid/ stable main\\n\"\n"
     "Run \"apt-get update && apt-get install -y xyz\"\npartial [apt-sources-changed]\n"},
    {"allow unauthenticated",
     "apt-get install -y --allow-unauthenticated foo",
     "Run \"apt-get install -y --allow-unauthenticated foo\"\nkept [unsafe-option]\n"},
    {"no errexit with semicolons",
     "apt-get update; apt-get install -y curl; curl -V",
     "Run \"apt-get update; apt-get install -y curl; curl -V\"\nkept [no-errexit]\n"},
    {"no errexit but last",
     "apt-get update; apt-get install -y curl",
     "InstallPackages curl\nfull\n"},
    {"pipeline install",
     "yes | apt-get install foo",
     "Run \"yes | apt-get install foo\"\nkept [pipeline-install]\n"},
    {"xargs install",
     "xargs apt-get install -y < /pkgs",
     "Run \"xargs apt-get install -y < /pkgs\"\nkept [xargs-install]\n"},
    {"upgrade is noted",
     "apt-get update && apt-get -y dist-upgrade && apt-get install -y curl",
     "InstallPackages [dist-upgrade] curl\nfull\n"},
    {"update alone",
     "apt-get update",
     "full\n"},
    {"clean and autoremove",
     "apt-get autoremove -y && apt-get clean",
     "InstallPackages [auto-remove]\n"
     "Remove /var/cache/apt/archives/*.deb [recursive] [force] [apt cache]\n"
     "Remove /var/cache/apt/archives/partial/* [recursive] [force] [apt cache]\n"
     "Remove /var/cache/apt/*.bin [recursive] [force] [apt cache]\n"
     "full\n"},
    {"file idioms",
     "set -eux; groupadd -r -g 999 redis; useradd -r -g redis -u 999 redis; mkdir -p /data /etc/app; chown redis:redis "
     "/data; ln -sf /usr/share/zoneinfo/UTC /etc/localtime; echo 'UTC' > /etc/timezone; printf '%s\\n' a b > /etc/x; "
     "chmod 0755 /data; rm -rf /tmp/*",
     "AddGroup redis [gid=999] [system] [groupadd]\n"
     "AddUser redis [uid=999] [group=redis] [system] [useradd]\n"
     "Mkdir /data\nMkdir /etc/app\nChown redis:redis /data\n"
     "Symlink /etc/localtime -> /usr/share/zoneinfo/UTC [force]\n"
     "WriteFile /etc/timezone \"UTC\\n\"\nWriteFile /etc/x \"a\\nb\\n\"\nChmod 0755 /data\n"
     "Remove /tmp/* [recursive] [force]\nfull\n"},
    {"relative paths follow cd",
     "set -e; cd /opt && mkdir -p app && ln -s app current",
     "Mkdir /opt/app\nSymlink /opt/current -> app\nfull\n"},
    {"dynamic cd keeps relative ops",
     "cd \"$(mktemp -d)\" && mkdir build",
     "Run \"cd \\\"$(mktemp -d)\\\" && mkdir build\"\nkept [other-command]\n"},
    {"shell state crossing a cut",
     "set -e; GNUPGHOME=\"$(mktemp -d)\"; apt-get install -y gnupg; gpg --homedir \"$GNUPGHOME\" --list-keys",
     "Run \"set -e; GNUPGHOME=\\\"$(mktemp -d)\\\"; apt-get install -y gnupg; gpg --homedir \\\"$GNUPGHOME\\\" "
     "--list-keys\"\nkept [shell-state]\n"},
    {"computed variables are replayed",
     "set -eux; arch=\"$(dpkg --print-architecture)\"; case \"$arch\" in amd64) url=x ;; *) exit 1 ;; esac; "
     "apt-get update; apt-get install -y wget; wget \"$url\"",
     "InstallPackages wget\n"
     "Run \"set -eux\\narch=\\\"$(dpkg --print-architecture)\\\"\\ncase \\\"$arch\\\" in amd64) url=x ;; *) exit 1 "
     ";; esac\\nwget \\\"$url\\\"\"\n"
     "partial [other-command]\n"},
    {"lists needed by kept install",
     "apt-get update && apt-get install -y curl && apt-get install -y $B",
     "InstallPackages curl\nRun \"apt-get update\\napt-get install -y $B\"\npartial [variable-package-list]\n"},
    {"unreadable shell",
     "apt-get install -y 'curl",
     "Run \"apt-get install -y 'curl\"\nkept [unreadable-shell]\n"},
    {"plain make",
     "make && make install",
     "Run \"make && make install\"\nkept [other-command]\n"},
};

class RewriteCases : public testing::TestWithParam<Case> {};

TEST_P(RewriteCases, Rewrites) {
  const Case& c = GetParam();
  RunScriptContext context;
  EXPECT_EQ(describe(rewrite_run_script(c.script, context)), c.expected) << c.script;
}

std::string case_name(const testing::TestParamInfo<Case>& row) {
  std::string name = row.param.name;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Run, RewriteCases, testing::ValuesIn(k_cases), case_name);

TEST(RunRewrite, UsesKnownEnvironment) {
  RunScriptContext context;
  context.variables = {{"NGINX_VERSION", "1.27.3"}, {"PKGS", "curl git"}};
  const RunRewrite result =
      rewrite_run_script("apt-get install -y nginx=${NGINX_VERSION}-1~bookworm $PKGS", context);
  EXPECT_EQ(describe(result), "InstallPackages nginx=1.27.3-1~bookworm curl git\nfull\n");
  EXPECT_EQ(result.install_commands, 1);
  EXPECT_EQ(result.installs_rewritten, 1);
}

TEST(RunRewrite, EarlierSourcesChangeKeepsInstalls) {
  RunScriptContext context;
  context.sources_changed = "line 3: add-apt-repository ppa:x";
  const RunRewrite result = rewrite_run_script("apt-get update && apt-get install -y curl && apt-get purge -y wget", context);
  EXPECT_EQ(describe(result), "Run \"apt-get update && apt-get install -y curl\"\n"
                              "InstallPackages [purge wget]\npartial [apt-sources-changed]\n");
}

TEST(RunRewrite, NonRootKeepsFileOps) {
  RunScriptContext context;
  context.root = false;
  EXPECT_EQ(describe(rewrite_run_script("mkdir -p /home/app/data", context)),
            "Run \"mkdir -p /home/app/data\"\nkept [non-root-user]\n");
}

TEST(RunRewrite, ReportsNeededLists) {
  RunScriptContext context;
  const RunRewrite result = rewrite_run_script("apt-get install -y $X", context);
  EXPECT_TRUE(result.needs_lists);
  const RunRewrite fetched = rewrite_run_script("apt-get update && apt-get install -y $X", context);
  EXPECT_FALSE(fetched.needs_lists);
  EXPECT_EQ(fetched.lists_after, 2);
}

TEST(RunRewrite, ExecForm) {
  RunScriptContext context;
  EXPECT_EQ(describe(rewrite_run_argv({"apt-get", "install", "-y", "curl"}, context)), "InstallPackages curl\nfull\n");
  EXPECT_EQ(describe(rewrite_run_argv({"sh", "-c", "make"}, context)), "Run [\"sh\", \"-c\", \"make\"]\nkept [other-command]\n");
}

TEST(RunRewrite, SpansPointAtTheCommands) {
  RunScriptContext context;
  const std::string script = "set -e; apt-get install -y curl; make";
  const RunRewrite result = rewrite_run_script(script, context);
  ASSERT_EQ(result.ops.size(), 2u);
  const auto [begin, end] = result.ops[0].spans.front();
  EXPECT_EQ(script.substr(begin, end - begin), "apt-get install -y curl");
}

} // namespace
} // namespace distill::planner::rewrite
