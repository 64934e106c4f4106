// Each resolver semantic on a tiny index, decided by apt-get itself: distill
// must install the same set, or fail where apt fails.

#include "planner/debian/resolver.hpp"
#include "planner/debian/status.hpp"
#include "apt_fixture.hpp"

#include <gtest/gtest.h>

namespace distill::planner::debian {
namespace {

struct Case {
  const char* name;
  const char* packages;
  const char* status;
  const char* requests;
  bool recommends;
  const char* foreign_arch;
};

const Case k_cases[] = {
    {"depends and pre-depends",
     "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: libx (>= 2), tool\nPre-Depends: base\n\n"
     "Package: libx\nVersion: 2.1\nArchitecture: amd64\nDepends: base\n\n"
     "Package: tool\nVersion: 1\nArchitecture: all\n\n"
     "Package: base\nVersion: 3\nArchitecture: amd64\n",
     "", "app", true, ""},
    {"alternatives skip what cannot be installed",
     "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: missing | broken | good | other\n\n"
     "Package: broken\nVersion: 1\nArchitecture: amd64\nDepends: nothing-provides-this\n\n"
     "Package: good\nVersion: 1\nArchitecture: amd64\n\n"
     "Package: other\nVersion: 1\nArchitecture: amd64\n",
     "", "app", true, ""},
    {"alternatives prefer a requested package",
     "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: first | second\n\n"
     "Package: first\nVersion: 1\nArchitecture: amd64\n\n"
     "Package: second\nVersion: 1\nArchitecture: amd64\n",
     "", "app second", true, ""},
    {"alternatives prefer an installed package",
     "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: first | second\n\n"
     "Package: first\nVersion: 1\nArchitecture: amd64\n\n"
     "Package: second\nVersion: 1\nArchitecture: amd64\n",
     "Package: second\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n", "app", true, ""},
    {"virtual packages: priority among providers, real package first",
     "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: awk, editor\n\n"
     "Package: gawk\nVersion: 1:5.2\nArchitecture: amd64\nPriority: optional\nProvides: awk\n\n"
     "Package: mawk\nVersion: 1.3\nArchitecture: amd64\nPriority: required\nProvides: awk\n\n"
     "Package: nano\nVersion: 7\nArchitecture: amd64\nPriority: optional\nProvides: editor\n\n"
     "Package: editor\nVersion: 1\nArchitecture: amd64\nPriority: extra\n",
     "", "app", true, ""},
    {"virtual request with one provider",
     "Package: exim\nVersion: 4\nArchitecture: amd64\nProvides: mta\n", "", "mta", true, ""},
    {"virtual request with several providers fails",
     "Package: gawk\nVersion: 1\nArchitecture: amd64\nProvides: awk\n\n"
     "Package: mawk\nVersion: 1\nArchitecture: amd64\nProvides: awk\n",
     "", "awk", true, ""},
    {"versioned provides",
     "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: api (>= 2)\n\n"
     "Package: old-impl\nVersion: 9\nArchitecture: amd64\nPriority: required\nProvides: api\n\n"
     "Package: v1-impl\nVersion: 1\nArchitecture: amd64\nProvides: api (= 1.5)\n\n"
     "Package: v2-impl\nVersion: 1\nArchitecture: amd64\nProvides: api (= 2.1)\n",
     "", "app", true, ""},
    {"epochs and tildes",
     "Package: tool\nVersion: 2.0\nArchitecture: amd64\n\n"
     "Package: tool\nVersion: 1:1.0\nArchitecture: amd64\n\n"
     "Package: app\nVersion: 1.0~rc2\nArchitecture: amd64\nDepends: tool (>= 1:0.9)\n\n"
     "Package: app\nVersion: 1.0~rc1\nArchitecture: amd64\n\n"
     "Package: user\nVersion: 1\nArchitecture: amd64\nDepends: app (>= 1.0~rc2), app (<< 1.0)\n",
     "", "user", true, ""},
    {"version pin", "Package: app\nVersion: 2\nArchitecture: amd64\n\nPackage: app\nVersion: 1\nArchitecture: amd64\n",
     "", "app=1", true, ""},
    {"recommends, and recommends of recommends",
     "Package: app\nVersion: 1\nArchitecture: amd64\nRecommends: extra, ghost\n\n"
     "Package: extra\nVersion: 1\nArchitecture: amd64\nRecommends: extra2\n\n"
     "Package: extra2\nVersion: 1\nArchitecture: amd64\n",
     "", "app", true, ""},
    {"no recommends",
     "Package: app\nVersion: 1\nArchitecture: amd64\nRecommends: extra\n\n"
     "Package: extra\nVersion: 1\nArchitecture: amd64\n",
     "", "app", false, ""},
    {"breaks avoided through another alternative",
     "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: a, b | c\n\n"
     "Package: a\nVersion: 1\nArchitecture: amd64\n\n"
     "Package: b\nVersion: 1\nArchitecture: amd64\nBreaks: a (<< 2)\n\n"
     "Package: c\nVersion: 1\nArchitecture: amd64\n",
     "", "app", true, ""},
    {"conflicts that cannot be avoided fail",
     "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: a, b\n\n"
     "Package: a\nVersion: 1\nArchitecture: amd64\n\n"
     "Package: b\nVersion: 1\nArchitecture: amd64\nConflicts: a\n",
     "", "app", true, ""},
    {"unsatisfiable dependency fails",
     "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: lib (>= 3)\n\n"
     "Package: lib\nVersion: 2\nArchitecture: amd64\n",
     "", "app", true, ""},
    {"installed set: upgrade only what is needed",
     "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: lib (>= 2), base\n\n"
     "Package: lib\nVersion: 2\nArchitecture: amd64\n\n"
     "Package: base\nVersion: 2\nArchitecture: amd64\n",
     "Package: base\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\n"
     "Package: lib\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n",
     "app", true, ""},
    {"installed binaries of the same source move along",
     "Package: libfoo1\nSource: foo\nVersion: 2\nArchitecture: amd64\n\n"
     "Package: libfoo-tools\nSource: foo\nVersion: 2\nArchitecture: amd64\n\n"
     "Package: foo-doc\nSource: foo (1.9)\nVersion: 1.9\nArchitecture: all\n",
     "Package: libfoo1\nStatus: install ok installed\nSource: foo\nVersion: 1\nArchitecture: amd64\n\n"
     "Package: foo-doc\nStatus: install ok installed\nSource: foo (1.8)\nVersion: 1.8\nArchitecture: all\n",
     "libfoo-tools", true, ""},
    {"multi-arch :any",
     "Package: python3\nVersion: 3.11\nArchitecture: amd64\nMulti-Arch: allowed\n\n"
     "Package: script\nVersion: 1\nArchitecture: all\nDepends: python3:any\n",
     "", "script", true, ""},
    {"multi-arch :any needs Multi-Arch: allowed",
     "Package: tool\nVersion: 1\nArchitecture: amd64\n\n"
     "Package: bad\nVersion: 1\nArchitecture: all\nDepends: tool:any\n",
     "", "bad", true, ""},
    {"multi-arch foreign architecture",
     "Package: libc6\nVersion: 2.36\nArchitecture: amd64\nMulti-Arch: same\n\n"
     "Package: libc6\nVersion: 2.36\nArchitecture: i386\nMulti-Arch: same\n\n"
     "Package: perl-base\nVersion: 5.36\nArchitecture: amd64\nMulti-Arch: foreign\n\n"
     "Package: perl-base\nVersion: 5.36\nArchitecture: i386\nMulti-Arch: foreign\n\n"
     "Package: libfoo\nVersion: 1\nArchitecture: i386\nMulti-Arch: same\nDepends: libc6, perl-base\n",
     "", "libfoo:i386", true, "i386"},
};

TEST(AptFixture, EverySemanticCaseMatchesAptGet) {
  if (testing::run_command("command -v apt-get").empty()) {
    GTEST_SKIP() << "apt-get is not installed";
  }
  int agree = 0;
  for (const Case& c : k_cases) {
    std::string packages = testing::with_files(c.packages);
    auto apt = testing::apt_on_fixture(packages, c.status, c.requests, c.recommends, c.foreign_arch);
    ASSERT_TRUE(apt.has_value()) << c.name << ": apt-get could not run";
    if (apt->output.find("rc=") == std::string::npos) {
      ADD_FAILURE() << c.name << ": no apt result:\n" << apt->output;
      continue;
    }
    PackageIndex index;
    IndexOrigin origin;
    origin.file = "fixture";
    ASSERT_TRUE(index.add(packages, origin)) << c.name;
    std::optional<PackageIndex> installed;
    if (*c.status != '\0') {
      auto parsed = parse_status(c.status);
      ASSERT_TRUE(parsed) << parsed.error().message;
      installed = std::move(*parsed);
    }
    std::vector<Request> requests;
    std::istringstream words(c.requests);
    std::string word;
    while (words >> word) {
      requests.push_back(*parse_request(word));
    }
    ResolveOptions options;
    options.install_recommends = c.recommends;
    if (*c.foreign_arch != '\0') {
      options.foreign_architectures = {c.foreign_arch};
    }
    auto ours = resolve(index, installed ? &*installed : nullptr, requests, options);
    if (!apt->ok) {
      EXPECT_FALSE(ours) << c.name << ": apt fails but distill resolves";
      agree += ours ? 0 : 1;
      continue;
    }
    if (!ours) {
      ADD_FAILURE() << c.name << ": apt resolves but distill fails: " << ours.error().message << "\napt:\n"
                    << apt->output;
      continue;
    }
    std::set<std::string> got;
    for (const Selected& s : ours->install) {
      std::string name(s.package->name);
      if (s.package->architecture != "amd64" && s.package->architecture != "all") {
        name += ":" + std::string(s.package->architecture);
      }
      got.insert(name + "=" + std::string(s.package->version));
    }
    EXPECT_EQ(got, apt->installed) << c.name << "\napt:\n" << apt->output;
    agree += got == apt->installed ? 1 : 0;
  }
  std::cout << "apt fixture: " << agree << " of " << std::size(k_cases) << " cases agree with apt-get\n";
}

} // namespace
} // namespace distill::planner::debian
