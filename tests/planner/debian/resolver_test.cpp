#include "planner/debian/resolver.hpp"

#include "planner/debian/status.hpp"

#include <gtest/gtest.h>

namespace distill::planner::debian {
namespace {

// A small index from "name version [field: value]..." stanzas.
PackageIndex make_index(std::string text, std::string codename = "bookworm", int pin = 500) {
  PackageIndex index;
  IndexOrigin origin;
  origin.file = codename + "/Packages";
  origin.codename = codename;
  origin.pin_priority = pin;
  auto ok = index.add(std::move(text), std::move(origin));
  EXPECT_TRUE(ok) << ok.error().message;
  return index;
}

std::vector<Request> requests(std::initializer_list<const char*> words) {
  std::vector<Request> out;
  for (const char* word : words) {
    auto r = parse_request(word);
    EXPECT_TRUE(r) << r.error().message;
    out.push_back(*r);
  }
  return out;
}

// "name=version" of every package to install, in result order.
std::vector<std::string> names(const support::Result<Resolution>& r) {
  std::vector<std::string> out;
  if (!r) {
    ADD_FAILURE() << r.error().message;
    return out;
  }
  for (const Selected& s : r->install) {
    out.push_back(std::string(s.package->name) + "=" + std::string(s.package->version));
  }
  return out;
}

std::string reason_of(const Resolution& r, std::string_view name) {
  for (const Selected& s : r.install) {
    if (s.package->name == name) {
      return s.reason.describe();
    }
  }
  return "(absent)";
}

ResolveOptions no_recommends() {
  ResolveOptions o;
  o.install_recommends = false;
  return o;
}

TEST(Request, Parses) {
  auto r = parse_request("libc6:i386=2.36-9");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "libc6");
  EXPECT_EQ(r->arch, "i386");
  EXPECT_EQ(r->version, "2.36-9");
  auto rel = parse_request("nginx/bookworm-backports");
  ASSERT_TRUE(rel);
  EXPECT_EQ(rel->release, "bookworm-backports");
  EXPECT_FALSE(parse_request("a=1/b"));
  EXPECT_FALSE(parse_request("=1"));
  EXPECT_EQ(parse_request("a=").error().message, "package request 'a=': missing version after '='");
}

TEST(Resolver, DependsAndPreDependsWithReasons) {
  auto index = make_index("Package: app\nVersion: 1\nArchitecture: amd64\nDepends: libx (>= 2), tool\n"
                          "Pre-Depends: base\n\n"
                          "Package: libx\nVersion: 2.1\nArchitecture: amd64\nDepends: base\n\n"
                          "Package: tool\nVersion: 1\nArchitecture: all\n\n"
                          "Package: base\nVersion: 3\nArchitecture: amd64\n\n"
                          "Package: unrelated\nVersion: 1\nArchitecture: amd64\n");
  auto r = resolve(index, nullptr, requests({"app"}));
  EXPECT_EQ(names(r), (std::vector<std::string>{"app=1", "base=3", "libx=2.1", "tool=1"}));
  EXPECT_EQ(reason_of(*r, "app"), "requested");
  EXPECT_EQ(reason_of(*r, "base"), "dependency of app via 'Pre-Depends: base'");
  EXPECT_EQ(reason_of(*r, "libx"), "dependency of app via 'Depends: libx (>= 2)'");
}

TEST(Resolver, AlternativesLeftToRightSkippingUninstallable) {
  auto index = make_index("Package: app\nVersion: 1\nArchitecture: amd64\nDepends: missing | broken | good | other\n\n"
                          "Package: broken\nVersion: 1\nArchitecture: amd64\nDepends: nothing-provides-this\n\n"
                          "Package: good\nVersion: 1\nArchitecture: amd64\n\n"
                          "Package: other\nVersion: 1\nArchitecture: amd64\n");
  EXPECT_EQ(names(resolve(index, nullptr, requests({"app"}))), (std::vector<std::string>{"app=1", "good=1"}));
}

TEST(Resolver, AlternativesPreferWhatIsAlreadySelected) {
  auto index = make_index("Package: app\nVersion: 1\nArchitecture: amd64\nDepends: first | second\n\n"
                          "Package: first\nVersion: 1\nArchitecture: amd64\n\n"
                          "Package: second\nVersion: 1\nArchitecture: amd64\n");
  EXPECT_EQ(names(resolve(index, nullptr, requests({"app", "second"}))),
            (std::vector<std::string>{"app=1", "second=1"}));
  auto installed = parse_status("Package: second\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n");
  ASSERT_TRUE(installed);
  EXPECT_EQ(names(resolve(index, &*installed, requests({"app"}))), (std::vector<std::string>{"app=1"}));
}

TEST(Resolver, VirtualPackagesAndProviders) {
  auto index = make_index("Package: app\nVersion: 1\nArchitecture: amd64\nDepends: awk, editor\n\n"
                          "Package: gawk\nVersion: 1:5.2\nArchitecture: amd64\nPriority: optional\nProvides: awk\n\n"
                          "Package: mawk\nVersion: 1.3\nArchitecture: amd64\nPriority: required\nProvides: awk\n\n"
                          "Package: nano\nVersion: 7\nArchitecture: amd64\nPriority: optional\nProvides: editor\n\n"
                          "Package: editor\nVersion: 1\nArchitecture: amd64\nPriority: extra\n");
  // awk: only providers, the required one wins; editor: the real package
  // beats a provider of the same name.
  EXPECT_EQ(names(resolve(index, nullptr, requests({"app"}))),
            (std::vector<std::string>{"app=1", "editor=1", "mawk=1.3"}));
  // A request for a virtual name with one provider selects it.
  auto r = resolve(index, nullptr, requests({"editor-virtual-missing"}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "unable to locate package editor-virtual-missing");
  auto many = resolve(index, nullptr, requests({"awk"}));
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().message,
            "package awk is a virtual package provided by: gawk 1:5.2, mawk 1.3; name one of them explicitly");
  auto one = make_index("Package: exim\nVersion: 4\nArchitecture: amd64\nProvides: mta\n");
  auto selected = resolve(one, nullptr, requests({"mta"}));
  EXPECT_EQ(names(selected), (std::vector<std::string>{"exim=4"}));
  ASSERT_EQ(selected->notes.size(), 1u);
  EXPECT_EQ(selected->notes[0], "selecting 'exim' instead of virtual package 'mta'");
}

TEST(Resolver, VersionedProvides) {
  auto index = make_index("Package: app\nVersion: 1\nArchitecture: amd64\nDepends: api (>= 2)\n\n"
                          "Package: old-impl\nVersion: 9\nArchitecture: amd64\nPriority: required\nProvides: api\n\n"
                          "Package: v1-impl\nVersion: 1\nArchitecture: amd64\nProvides: api (= 1.5)\n\n"
                          "Package: v2-impl\nVersion: 1\nArchitecture: amd64\nProvides: api (= 2.1)\n");
  EXPECT_EQ(names(resolve(index, nullptr, requests({"app"}))), (std::vector<std::string>{"app=1", "v2-impl=1"}));
}

TEST(Resolver, EpochsTildesAndCandidates) {
  auto index = make_index("Package: tool\nVersion: 2.0\nArchitecture: amd64\n\n"
                          "Package: tool\nVersion: 1:1.0\nArchitecture: amd64\n\n"
                          "Package: app\nVersion: 1.0~rc2\nArchitecture: amd64\nDepends: tool (>= 1:0.9)\n\n"
                          "Package: app\nVersion: 1.0~rc1\nArchitecture: amd64\n\n"
                          "Package: user\nVersion: 1\nArchitecture: amd64\nDepends: app (>= 1.0~rc2), app (<< 1.0)\n");
  EXPECT_EQ(names(resolve(index, nullptr, requests({"user"}))),
            (std::vector<std::string>{"app=1.0~rc2", "tool=1:1.0", "user=1"}));
  EXPECT_EQ(names(resolve(index, nullptr, requests({"app=1.0~rc1"}))), (std::vector<std::string>{"app=1.0~rc1"}));
  EXPECT_EQ(names(resolve(index, nullptr, requests({"tool=2*"}))), (std::vector<std::string>{"tool=2.0"}));
  auto missing = resolve(index, nullptr, requests({"app=3"}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "version '3' for 'app' was not found (available: 1.0~rc2, 1.0~rc1)");
}

TEST(Resolver, ReleasePinsSwitchDependencies) {
  PackageIndex index;
  IndexOrigin main;
  main.file = "main";
  main.codename = "bookworm";
  ASSERT_TRUE(index.add("Package: app\nVersion: 1\nArchitecture: amd64\nDepends: lib (>= 1)\n\n"
                        "Package: lib\nVersion: 1\nArchitecture: amd64\n",
                        main));
  IndexOrigin backports;
  backports.file = "backports";
  backports.codename = "bookworm-backports";
  backports.pin_priority = 100;
  ASSERT_TRUE(index.add("Package: app\nVersion: 2~bpo\nArchitecture: amd64\nDepends: lib (>= 2~)\n\n"
                        "Package: lib\nVersion: 2~bpo\nArchitecture: amd64\n",
                        backports));
  EXPECT_EQ(names(resolve(index, nullptr, requests({"app"}))), (std::vector<std::string>{"app=1", "lib=1"}));
  auto r = resolve(index, nullptr, requests({"app/bookworm-backports"}));
  EXPECT_EQ(names(r), (std::vector<std::string>{"app=2~bpo", "lib=2~bpo"}));
  EXPECT_FALSE(resolve(index, nullptr, requests({"app/sid"})));
}

TEST(Resolver, RecommendsOnByDefaultSkippedWhenUnsatisfiable) {
  auto index = make_index("Package: app\nVersion: 1\nArchitecture: amd64\nRecommends: extra, ghost\n\n"
                          "Package: extra\nVersion: 1\nArchitecture: amd64\nRecommends: extra2\n\n"
                          "Package: extra2\nVersion: 1\nArchitecture: amd64\n");
  auto with = resolve(index, nullptr, requests({"app"}));
  EXPECT_EQ(names(with), (std::vector<std::string>{"app=1", "extra=1", "extra2=1"}));
  EXPECT_EQ(reason_of(*with, "extra2"), "dependency of extra via 'Recommends: extra2'");
  EXPECT_EQ(names(resolve(index, nullptr, requests({"app"}), no_recommends())), (std::vector<std::string>{"app=1"}));
}

TEST(Resolver, ConflictsAreReported) {
  auto index = make_index("Package: app\nVersion: 1\nArchitecture: amd64\nDepends: a, b\n\n"
                          "Package: a\nVersion: 1\nArchitecture: amd64\n\n"
                          "Package: b\nVersion: 1\nArchitecture: amd64\nConflicts: a\n");
  auto r = resolve(index, nullptr, requests({"app"}));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unmet dependencies"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("b 1 : Conflicts: a but a 1 is to be installed"), std::string::npos)
      << r.error().message;
  // A Conflicts alternative is avoided when another alternative works.
  auto alt = make_index("Package: app\nVersion: 1\nArchitecture: amd64\nDepends: a, b | c\n\n"
                        "Package: a\nVersion: 1\nArchitecture: amd64\n\n"
                        "Package: b\nVersion: 1\nArchitecture: amd64\nBreaks: a (<< 2)\n\n"
                        "Package: c\nVersion: 1\nArchitecture: amd64\n");
  EXPECT_EQ(names(resolve(alt, nullptr, requests({"app"}))), (std::vector<std::string>{"a=1", "app=1", "c=1"}));
}

TEST(Resolver, MultiArch) {
  ResolveOptions options;
  options.foreign_architectures = {"i386"};
  auto index = make_index(
      "Package: python3\nVersion: 3.11\nArchitecture: amd64\nMulti-Arch: allowed\n\n"
      "Package: tool\nVersion: 1\nArchitecture: amd64\nMulti-Arch: no\n\n"
      "Package: script\nVersion: 1\nArchitecture: all\nDepends: python3:any\n\n"
      "Package: bad\nVersion: 1\nArchitecture: all\nDepends: tool:any\n\n"
      "Package: libc6\nVersion: 2.36\nArchitecture: amd64\nMulti-Arch: same\n\n"
      "Package: libc6\nVersion: 2.36\nArchitecture: i386\nMulti-Arch: same\n\n"
      "Package: perl-base\nVersion: 5.36\nArchitecture: amd64\nMulti-Arch: foreign\n\n"
      "Package: libfoo\nVersion: 1\nArchitecture: i386\nMulti-Arch: same\nDepends: libc6, perl-base\n");
  EXPECT_EQ(names(resolve(index, nullptr, requests({"script"}), options)),
            (std::vector<std::string>{"python3=3.11", "script=1"}));
  auto bad = resolve(index, nullptr, requests({"bad"}), options);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("bad 1 : Depends: tool:any"), std::string::npos) << bad.error().message;
  auto foreign = resolve(index, nullptr, requests({"libfoo:i386"}), options);
  ASSERT_TRUE(foreign) << foreign.error().message;
  std::vector<std::string> got;
  for (const Selected& s : foreign->install) {
    got.push_back(std::string(s.package->name) + ":" + std::string(s.package->architecture));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"libc6:i386", "libfoo:i386", "perl-base:amd64"}));
  EXPECT_FALSE(resolve(index, nullptr, requests({"libfoo:i386"})));
}

TEST(Resolver, InstalledSetUpgradesAndHolds) {
  auto index = make_index("Package: app\nVersion: 1\nArchitecture: amd64\nDepends: lib (>= 2), base\n\n"
                          "Package: lib\nVersion: 2\nArchitecture: amd64\n\n"
                          "Package: base\nVersion: 1\nArchitecture: amd64\n");
  auto installed = parse_status("Package: base\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\n"
                                "Package: lib\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n");
  ASSERT_TRUE(installed);
  EXPECT_EQ(names(resolve(index, &*installed, requests({"app"}))), (std::vector<std::string>{"app=1", "lib=2"}));
  auto held = parse_status("Package: lib\nStatus: hold ok installed\nVersion: 1\nArchitecture: amd64\n\n"
                           "Package: base\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n");
  ASSERT_TRUE(held);
  auto r = resolve(index, &*held, requests({"app"}));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("app 1 : Depends: lib (>= 2) but 1 is to be installed"), std::string::npos)
      << r.error().message;
  // An installed package at its candidate is not installed again.
  EXPECT_EQ(names(resolve(index, &*installed, requests({"base"}))), (std::vector<std::string>{}));
}

TEST(Resolver, InstalledBinariesOfTheSameSourceAreUpgradedAlong) {
  // apt 2.6's Upgrade-By-Source-Package: installing libfoo-tools 2 (source
  // foo 2) upgrades the installed libfoo1 built from foo 2 too, but not an
  // installed binary of another source or source version.
  PackageIndex index;
  IndexOrigin main;
  main.file = "main";
  main.codename = "bookworm";
  ASSERT_TRUE(index.add("Package: libfoo1\nSource: foo\nVersion: 1\nArchitecture: amd64\n\n"
                        "Package: bar\nVersion: 1\nArchitecture: amd64\n",
                        main));
  IndexOrigin security;
  security.file = "security";
  security.codename = "bookworm-security";
  ASSERT_TRUE(index.add("Package: libfoo1\nSource: foo\nVersion: 2\nArchitecture: amd64\n\n"
                        "Package: libfoo-tools\nSource: foo\nVersion: 2\nArchitecture: amd64\n\n"
                        "Package: foo-doc\nSource: foo (1.9)\nVersion: 1.9\nArchitecture: all\n\n"
                        "Package: bar\nVersion: 2\nArchitecture: amd64\n",
                        security));
  auto installed = parse_status("Package: libfoo1\nStatus: install ok installed\nSource: foo\nVersion: 1\n"
                                "Architecture: amd64\n\n"
                                "Package: foo-doc\nStatus: install ok installed\nSource: foo (1.8)\nVersion: 1.8\n"
                                "Architecture: all\n\n"
                                "Package: bar\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n");
  ASSERT_TRUE(installed);
  auto r = resolve(index, &*installed, requests({"libfoo-tools"}));
  EXPECT_EQ(names(r), (std::vector<std::string>{"libfoo-tools=2", "libfoo1=2"}));
  EXPECT_EQ(reason_of(*r, "libfoo1"), "dependency of libfoo-tools via 'Source: foo (= 2)'");
  // The newer version of an installed package is its candidate (equal pins).
  EXPECT_EQ(names(resolve(index, &*installed, requests({"bar"}))), (std::vector<std::string>{"bar=2"}));
}

TEST(Resolver, UnsatisfiableErrorsNameEveryRejectedCandidate) {
  auto index = make_index("Package: app\nVersion: 1\nArchitecture: amd64\nDepends: lib (>= 3) | virt (>= 1)\n\n"
                          "Package: lib\nVersion: 2\nArchitecture: amd64\n\n"
                          "Package: impl\nVersion: 1\nArchitecture: amd64\nProvides: virt\n\n"
                          "Package: top\nVersion: 1\nArchitecture: amd64\nDepends: mid\n\n"
                          "Package: mid\nVersion: 1\nArchitecture: amd64\nDepends: gone\n");
  auto r = resolve(index, nullptr, requests({"app"}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "the requested packages cannot be installed; unmet dependencies:\n"
                               "  app 1 : Depends: lib (>= 3) | virt (>= 1) but it is not going to be installed\n"
                               "      lib 2 (amd64): does not satisfy 'lib (>= 3)'\n"
                               "      impl 1 provides virt: does not satisfy 'virt (>= 1)'");
  auto chain = resolve(index, nullptr, requests({"top"}));
  ASSERT_FALSE(chain);
  // mid is top's only solution, so (as in apt) it stays selected and is the
  // package reported broken.
  EXPECT_EQ(chain.error().message, "the requested packages cannot be installed; unmet dependencies:\n"
                                   "  mid 1 : Depends: gone but it is not installable (no package has that name)\n"
                                   "      gone: no package has that name, and nothing provides it");
  auto unknown = resolve(index, nullptr, requests({"nope"}));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "unable to locate package nope");
}

} // namespace
} // namespace distill::planner::debian
