// The image SBOM reads licences from DEP-5 copyright files only, and names
// packages with the image's distribution.

#include "backend/build/image_sbom.hpp"

#include <gtest/gtest.h>

namespace distill::backend::build {
namespace {

TEST(ImageSbom, LicencesComeFromMachineReadableCopyrightOnly) {
  const std::string dep5 = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
                           "Upstream-Name: tool\n\nFiles: *\nCopyright: 2020 A\nLicense: GPL-2+\n\n"
                           "Files: lib/*\nLicense: BSD-3-clause\n\nLicense: GPL-2+\n On Debian systems ...\n";
  EXPECT_EQ(copyright_licenses(dep5), (std::vector<std::string>{"GPL-2+", "BSD-3-clause"}));
  EXPECT_TRUE(copyright_licenses("This package was debianized by someone.\nLicense: GPL\n").empty());
}

TEST(ImageSbom, PackagesCarryTheLockAndTheImageFacts) {
  BuiltStage built;
  (void)built.rootfs.add("/etc/os-release", fs::make_file(fs::Content::from_bytes("ID=ubuntu\nVERSION_ID=\"24.04\"\n")));
  (void)built.rootfs.add("/usr/share/doc/tool/copyright",
                   fs::make_file(fs::Content::from_bytes("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
                                 "\nFiles: *\nLicense: MIT\n")));
  (void)built.rootfs.add("/var/lib/dpkg/status",
                   fs::make_file(fs::Content::from_bytes("Package: other\nMaintainer: X <x@example.invalid>\n\n"
                                 "Package: tool\nStatus: install ok installed\nMaintainer: T <t@example.invalid>\n")));
  LockedPackage tool;
  tool.name = "tool";
  tool.version = "1.0-1";
  tool.arch = "amd64";
  tool.sha256 = std::string(64, 'a');
  tool.source = "tool-src";
  built.packages = {tool};
  const auto document = image_sbom(built, "app:1", "sha256:" + std::string(64, 'b'), 42);
  ASSERT_EQ(document.packages.size(), 1u);
  const auto& package = document.packages.front();
  EXPECT_EQ(package.distro, "ubuntu");
  EXPECT_EQ(package.licenses, std::vector<std::string>{"MIT"});
  EXPECT_EQ(package.supplier, "T <t@example.invalid>");
  EXPECT_EQ(package.source, "tool-src");
  EXPECT_EQ(document.created, 42);
}

TEST(ImageSbom, APulledBasesPackagesComeFromItsDpkgDatabase) {
  BuiltStage built;
  ASSERT_TRUE(built.rootfs.add("/var/lib/dpkg/status",
                               fs::make_file(fs::Content::from_bytes(
                                   "Package: libfoo1\nStatus: install ok installed\nVersion: 2.0-1\n"
                                   "Architecture: amd64\nSource: foo (2.0-1)\nMaintainer: F <f@example.invalid>\n\n"
                                   "Package: gone\nStatus: deinstall ok config-files\nVersion: 1\n"))));
  const auto document = image_sbom(built, "app:1", "", 0);
  ASSERT_EQ(document.packages.size(), 1u);
  const auto& package = document.packages.front();
  EXPECT_EQ(package.name, "libfoo1");
  EXPECT_EQ(package.version, "2.0-1");
  EXPECT_EQ(package.arch, "amd64");
  EXPECT_EQ(package.source, "foo");
  EXPECT_EQ(package.distro, "debian");
  EXPECT_EQ(package.sha256, "");
}


TEST(ImageSbom, FactsKeptAsJsonGiveTheSameDocument) {
  BuiltStage built;
  (void)built.rootfs.add("/etc/os-release", fs::make_file(fs::Content::from_bytes("ID=ubuntu\n")));
  (void)built.rootfs.add("/usr/share/doc/tool/copyright",
                         fs::make_file(fs::Content::from_bytes(
                             "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
                             "\nFiles: *\nLicense: MIT\n")));
  (void)built.rootfs.add("/var/lib/dpkg/status",
                         fs::make_file(fs::Content::from_bytes(
                             "Package: tool\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: amd64\n"
                             "Maintainer: T <t@example.invalid>\n\n"
                             "Package: base\nStatus: install ok installed\nVersion: 3\nArchitecture: all\n"
                             "Source: base-src (3)\nMaintainer: B <b@example.invalid>\n")));
  LockedPackage tool;
  tool.name = "tool";
  tool.version = "1.0-1";
  tool.sha256 = std::string(64, 'a');
  LockedPackage missing; // locked but not in the database: no supplier
  missing.name = "missing";
  built.packages = {tool, missing};
  const auto facts = sbom_facts(built.rootfs, built.packages);
  EXPECT_EQ(facts.distro, "ubuntu");
  EXPECT_EQ(facts.packages.size(), 3u);
  const auto kept = parse_sbom_facts(sbom_facts_json(facts));
  ASSERT_TRUE(kept.has_value());
  const auto direct = image_sbom(built, "app:1", "sha256:1", 7);
  const auto from_kept = image_sbom(built, *kept, "app:1", "sha256:1", 7);
  ASSERT_EQ(direct.packages.size(), 3u);
  ASSERT_EQ(from_kept.packages.size(), direct.packages.size());
  for (std::size_t i = 0; i < direct.packages.size(); ++i) {
    EXPECT_EQ(from_kept.packages[i].name, direct.packages[i].name);
    EXPECT_EQ(from_kept.packages[i].licenses, direct.packages[i].licenses);
    EXPECT_EQ(from_kept.packages[i].supplier, direct.packages[i].supplier);
    EXPECT_EQ(from_kept.packages[i].source, direct.packages[i].source);
    EXPECT_EQ(from_kept.packages[i].distro, direct.packages[i].distro);
  }
  EXPECT_EQ(direct.packages[1].supplier, ""); // "missing"
  EXPECT_EQ(direct.packages[2].name, "base");
  EXPECT_EQ(direct.packages[2].source, "base-src");
  EXPECT_FALSE(parse_sbom_facts("{\"version\":1,\"distro\":5}").has_value());
  EXPECT_FALSE(parse_sbom_facts("not json").has_value());
}

TEST(ImageSbom, OnlyLayersThatReachTheFactsCount) {
  fs::Tree copied;
  ASSERT_TRUE(copied.add("/usr/local/bin/probe", fs::make_file(fs::Content::from_bytes("#!/bin/sh\n"))));
  EXPECT_FALSE(touches_sbom_facts(copied)); // /usr is only a parent directory here
  fs::Tree docs;
  ASSERT_TRUE(docs.add("/usr/share/doc/tool/copyright", fs::make_file(fs::Content::from_bytes("x"))));
  EXPECT_TRUE(touches_sbom_facts(docs));
  fs::Tree removed;
  ASSERT_TRUE(removed.add("/var/lib/dpkg", fs::make_whiteout()));
  EXPECT_TRUE(touches_sbom_facts(removed));
  fs::Tree hidden; // an opaque /usr/share hides the docs below it
  auto opaque = fs::make_directory();
  opaque.opaque = true;
  ASSERT_TRUE(hidden.add("/usr/share", opaque));
  EXPECT_TRUE(touches_sbom_facts(hidden));
  fs::Tree release;
  ASSERT_TRUE(release.add("/etc/os-release", fs::make_symlink("../usr/lib/os-release")));
  EXPECT_TRUE(touches_sbom_facts(release));
  fs::Tree sibling; // a name that only starts like a read path
  ASSERT_TRUE(sibling.add("/usr/share/docs/x", fs::make_file(fs::Content::from_bytes("x"))));
  EXPECT_FALSE(touches_sbom_facts(sibling));
}

} // namespace
} // namespace distill::backend::build
