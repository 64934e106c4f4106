#include "planner/debian/package_index.hpp"

#include "host_index.hpp"

#include <gtest/gtest.h>

namespace distill::planner::debian {
namespace {

IndexOrigin origin(std::string file, std::string codename = "bookworm") {
  IndexOrigin o;
  o.file = std::move(file);
  o.codename = std::move(codename);
  return o;
}

const char* k_packages = R"(Package: libfoo1
Source: foo (1.2-1)
Version: 1.2-1+b1
Architecture: amd64
Multi-Arch: same
Priority: optional
Section: libs
Installed-Size: 120
Depends: libc6 (>= 2.34)
Filename: pool/main/f/foo/libfoo1_1.2-1+b1_amd64.deb
Size: 40000
SHA256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
Description: the foo library
 Long text.

Package: mawk
Version: 1.3.4-3
Architecture: amd64
Multi-Arch: foreign
Priority: required
Provides: awk
Description: a pattern scanning language

Package: gawk
Version: 1:5.2.1-2
Architecture: amd64
Essential: no
Provides: awk, gawk-api (= 3.0)
Description: GNU awk

Package: base-files
Version: 12.4
Architecture: amd64
Essential: yes
Priority: required
)";

TEST(PackageIndex, LoadsFieldsAndProviders) {
  PackageIndex index;
  auto ok = index.add(k_packages, origin("main/Packages"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(index.size(), 4u);
  auto foo = index.versions_of("libfoo1");
  ASSERT_EQ(foo.size(), 1u);
  const Package& p = index.package(foo[0]);
  EXPECT_EQ(p.version, "1.2-1+b1");
  EXPECT_EQ(p.source, "foo");
  EXPECT_EQ(p.source_version, "1.2-1");
  EXPECT_EQ(p.multi_arch, MultiArch::same);
  EXPECT_EQ(p.installed_size, 120u);
  EXPECT_EQ(p.size, 40000u);
  EXPECT_EQ(p.description, "the foo library");
  EXPECT_EQ(p.depends, "libc6 (>= 2.34)");
  EXPECT_EQ(p.line, 1u);
  EXPECT_TRUE(p.stanza.starts_with("Package: libfoo1\n"));
  EXPECT_TRUE(p.stanza.ends_with(" Long text."));

  const Package& mawk = index.package(index.versions_of("mawk")[0]);
  EXPECT_EQ(mawk.source, "mawk");
  EXPECT_EQ(mawk.source_version, "1.3.4-3");
  EXPECT_TRUE(index.package(index.versions_of("base-files")[0]).essential);
  EXPECT_FALSE(index.package(index.versions_of("gawk")[0]).essential);

  auto awk = index.providers_of("awk");
  ASSERT_EQ(awk.size(), 2u);
  EXPECT_EQ(index.package(awk[0].package).name, "mawk");
  EXPECT_EQ(index.package(awk[1].package).name, "gawk");
  auto api = index.providers_of("gawk-api");
  ASSERT_EQ(api.size(), 1u);
  EXPECT_EQ(api[0].version, "3.0");
  EXPECT_TRUE(index.providers_of("nothing").empty());
  EXPECT_TRUE(index.versions_of("awk").empty());
  EXPECT_EQ(index.names(), (std::vector<std::string_view>{"base-files", "gawk", "libfoo1", "mawk"}));
}

TEST(PackageIndex, SeveralFilesSortVersionsAndMergeDuplicates) {
  PackageIndex index;
  ASSERT_TRUE(index.add("Package: a\nVersion: 1.0-1\nArchitecture: amd64\n", origin("main")));
  IndexOrigin security = origin("security", "bookworm-security");
  security.pin_priority = 990;
  ASSERT_TRUE(index.add("Package: a\nVersion: 1.0-1+deb12u1\nArchitecture: amd64\n\n"
                        "Package: a\nVersion: 1.0-1\nArchitecture: amd64\n\n"
                        "Package: a\nVersion: 1.0~rc1\nArchitecture: i386\n",
                        security));
  auto versions = index.versions_of("a");
  ASSERT_EQ(versions.size(), 3u);
  EXPECT_EQ(index.package(versions[0]).version, "1.0-1+deb12u1");
  EXPECT_EQ(index.package(versions[1]).version, "1.0-1");
  EXPECT_EQ(index.package(versions[2]).version, "1.0~rc1");
  EXPECT_EQ(index.origins_of(versions[1]), (std::vector<OriginId>{0, 1}));
  EXPECT_EQ(index.pin_priority(versions[1]), 990);
  EXPECT_EQ(index.pin_priority(versions[0]), 990);
  EXPECT_EQ(index.origin(index.package(versions[0]).origin).codename, "bookworm-security");
  EXPECT_EQ(index.describe(versions[2]), "a 1.0~rc1 i386");
}

TEST(PackageIndex, ErrorsLeaveTheIndexUnchanged) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"Version: 1\nArchitecture: all\n", "Packages: line 1: stanza without a Package field"},
      {"Package: a\nArchitecture: all\n", "Packages: line 1: package a has no Version"},
      {"Package: a\nVersion: 1\n", "Packages: line 1: package a has no Architecture"},
      {"Package: a\nVersion: a1\nArchitecture: all\n",
       "Packages: line 1: package a: version 'a1' has bad syntax: version number does not start with digit"},
      {"Package: a\nVersion: 1\nArchitecture: all\nSize: 12k\n", "Packages: line 4: bad number in field Size: '12k'"},
      {"Package: ok\nVersion: 1\nArchitecture: all\n\nPackage: a\nVersion: 1\nArchitecture: all\nProvides: (x)\n",
       "Packages: line 5: package a: Provides: in '(x)': expected a package name (at '(x)')"},
      {"Package: a\nbroken line\n", "Packages: line 2: expected 'Field: value', got 'broken line'"},
  };
  for (const Case& c : cases) {
    PackageIndex index;
    ASSERT_TRUE(index.add("Package: z\nVersion: 1\nArchitecture: all\n", origin("first")));
    auto result = index.add(c.text, origin("Packages"));
    ASSERT_FALSE(result) << c.text;
    EXPECT_EQ(result.error().message, c.message);
    EXPECT_EQ(index.size(), 1u);
    EXPECT_TRUE(index.versions_of("ok").empty());
    EXPECT_TRUE(index.providers_of("x").empty());
  }
}

TEST(PackageIndex, KeepFilter) {
  PackageIndex index;
  AddOptions options;
  options.keep = [](const Stanza& s) { return s.get("Package") != "b"; };
  ASSERT_TRUE(index.add("Package: a\nVersion: 1\nArchitecture: all\n\nPackage: b\nVersion: 1\nArchitecture: all\n",
                        origin("x"), options));
  EXPECT_EQ(index.size(), 1u);
  EXPECT_TRUE(index.versions_of("b").empty());
}

TEST(PackageIndex, LoadsTheHostIndex) {
  auto lists = testing::host_package_lists();
  if (!testing::host_has_bookworm()) {
    GTEST_SKIP() << "no bookworm amd64 Packages list in " << testing::k_lists_dir;
  }
  PackageIndex index;
  for (const auto& path : lists) {
    auto text = testing::read_package_list(path);
    ASSERT_TRUE(text) << path;
    auto ok = index.add(std::move(*text), origin(path.filename().string()));
    ASSERT_TRUE(ok) << ok.error().message;
  }
  EXPECT_GT(index.size(), 60000u);
  auto libc = index.versions_of("libc6");
  ASSERT_FALSE(libc.empty());
  EXPECT_EQ(index.package(libc[0]).multi_arch, MultiArch::same);
  EXPECT_EQ(index.package(libc[0]).sha256.size(), 64u);
  EXPECT_TRUE(index.package(libc[0]).filename.starts_with("pool/main/g/glibc/libc6_"));
  EXPECT_GE(index.providers_of("awk").size(), 2u);
  EXPECT_FALSE(index.providers_of("mail-transport-agent").empty());
}

} // namespace
} // namespace distill::planner::debian
