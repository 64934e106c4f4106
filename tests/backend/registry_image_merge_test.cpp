// Installs on a pulled image add to its dpkg database and leave its other
// files alone (backend/build/image_merge).

#include "backend/build/image_merge.hpp"
#include "backend/deb/generators/context.hpp"

#include <gtest/gtest.h>

namespace {

using namespace distill::backend;

fs::Entry file(std::string text) { return fs::make_file(fs::Content::from_bytes(std::move(text)), 0644, 0); }

TEST(RegistryImageMerge, StanzasAreMergedByNameAndArchitectureAndSorted) {
  const std::string image = "Package: zlib1g\nArchitecture: amd64\nVersion: 1\n\n"
                            "Package: bash\nArchitecture: amd64\nVersion: 5\n";
  const std::string added = "Package: curl\nArchitecture: amd64\nVersion: 7\n\n"
                            "Package: zlib1g\nArchitecture: amd64\nVersion: 2\n\n";
  EXPECT_EQ(build::merge_stanzas(image, added), "Package: bash\nArchitecture: amd64\nVersion: 5\n\n"
                                                "Package: curl\nArchitecture: amd64\nVersion: 7\n\n"
                                                "Package: zlib1g\nArchitecture: amd64\nVersion: 2\n\n");
}

TEST(RegistryImageMerge, StatusIsMergedNewFilesStayAndTheImageKeepsItsOwn) {
  fs::Tree image;
  ASSERT_TRUE(image.add("/var/lib/dpkg/status", file("Package: bash\nArchitecture: amd64\n\n")));
  ASSERT_TRUE(image.add("/etc/passwd", file("root:x:0:0:root:/root:/bin/bash\n")));
  ASSERT_TRUE(image.add("/etc/debian_version", file("12.0\n")));
  fs::Tree generated;
  ASSERT_TRUE(generated.add("/var/lib/dpkg/status", file("Package: curl\nArchitecture: amd64\n\n")));
  ASSERT_TRUE(generated.add("/etc/passwd", file("root:x:0:0:root:/root:/bin/sh\nx:x:1:1::/:/bin/false\n")));
  ASSERT_TRUE(generated.add("/etc/debian_version", file("12.0\n")));
  ASSERT_TRUE(generated.add("/var/lib/dpkg/info/curl.list", file("/usr/bin/curl\n")));
  std::vector<std::string> notes;
  ASSERT_TRUE(build::fit_generated_to_image(generated, image, 7, notes));
  EXPECT_EQ(deb::generators::read_image_file(generated, "/var/lib/dpkg/status"),
            "Package: bash\nArchitecture: amd64\n\nPackage: curl\nArchitecture: amd64\n\n");
  EXPECT_EQ(generated.find("/var/lib/dpkg/status")->mtime, 7);
  EXPECT_TRUE(generated.contains("/var/lib/dpkg/info/curl.list"));
  EXPECT_FALSE(generated.contains("/etc/passwd"));
  EXPECT_FALSE(generated.contains("/etc/debian_version"));
  ASSERT_EQ(notes.size(), 1U);
  EXPECT_NE(notes[0].find("/etc/passwd"), std::string::npos);
}

} // namespace
