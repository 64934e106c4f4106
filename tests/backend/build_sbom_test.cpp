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

} // namespace
} // namespace distill::backend::build
