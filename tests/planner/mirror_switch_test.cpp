#include "planner/rewrite/mirror_switch.hpp"
#include "planner/shell/reader.hpp"

#include <gtest/gtest.h>

#include <string>

namespace distill::planner::rewrite {
namespace {

bool mirror_switch(const std::string& text, shell::Variables values = {}) {
  const shell::Script script = shell::read_script(text);
  EXPECT_FALSE(script.error) << text;
  shell::Environment environment;
  environment.values = std::move(values);
  const shell::Pipeline& pipeline = script.list.items.at(0).pipelines.at(0);
  return is_mirror_switch(pipeline.commands.at(0).simple, environment);
}

TEST(MirrorSwitch, HostAndUrlSubstitutions) {
  EXPECT_TRUE(mirror_switch("sed -i 's/deb.debian.org/mirrors.example/g' /etc/apt/sources.list"));
  EXPECT_TRUE(mirror_switch("sed -i 's|http://deb.debian.org/debian|https://mirror.invalid/debian|' "
                            "/etc/apt/sources.list.d/debian.sources"));
  EXPECT_TRUE(mirror_switch("sed -i -e 's#archive.ubuntu.com#mirror.invalid#g' -e 's#security.ubuntu.com#mirror.invalid#g' "
                            "/etc/apt/sources.list.d/*.sources"));
  EXPECT_TRUE(mirror_switch("sed -i 's/deb\\.debian\\.org/mirror.invalid/g; s/http:/https:/g' /etc/apt/sources.list"));
  EXPECT_TRUE(mirror_switch("sed -i 's/archive.ubuntu.com\\|security.ubuntu.com/old-releases.ubuntu.com/g' "
                            "/etc/apt/sources.list"));
  EXPECT_TRUE(mirror_switch("sed -i -e \"s|http://archive.ubuntu.com/ubuntu|$M|g\" /etc/apt/sources.list.d/ubuntu.sources",
                            {{"M", "http://127.0.0.1:3142/ubuntu"}}));
}

TEST(MirrorSwitch, AnythingElseIsNot) {
  // Suites, components, keys, lines removed, other files, unknown values, back-references.
  EXPECT_FALSE(mirror_switch("sed -i 's/bookworm/trixie/g' /etc/apt/sources.list"));
  EXPECT_FALSE(mirror_switch("sed -i 's/main/main contrib non-free/' /etc/apt/sources.list"));
  EXPECT_FALSE(mirror_switch("sed -i 's/debian-archive-keyring.gpg/other.gpg/' /etc/apt/sources.list.d/debian.sources"));
  EXPECT_FALSE(mirror_switch("sed -i '/stretch-updates/d' /etc/apt/sources.list"));
  EXPECT_FALSE(mirror_switch("sed -i 's/deb.debian.org/mirror.invalid/g' /etc/apt/preferences"));
  EXPECT_FALSE(mirror_switch("sed -i \"s|deb.debian.org|$M|g\" /etc/apt/sources.list"));
  EXPECT_FALSE(mirror_switch("sed -i 's|\\(deb.debian.org\\)|\\1.x|g' /etc/apt/sources.list"));
  EXPECT_FALSE(mirror_switch("sed -i 's|http://.*debian.org|http://mirror.invalid|g' /etc/apt/sources.list"));
  EXPECT_FALSE(mirror_switch("sed 's/deb.debian.org/mirror.invalid/g' /etc/apt/sources.list"));
  EXPECT_FALSE(mirror_switch("sed -ie 's/deb.debian.org/mirror.invalid/g' /etc/apt/sources.list"));
  EXPECT_FALSE(mirror_switch("sed -i 's/deb.debian.org/mirror.invalid/w /tmp/x' /etc/apt/sources.list"));
}

TEST(MirrorSwitch, ArchiveLocations) {
  EXPECT_TRUE(is_archive_location("http://deb.debian.org/debian"));
  EXPECT_TRUE(is_archive_location("mirror.invalid/debian-security"));
  EXPECT_TRUE(is_archive_location("https:"));
  EXPECT_FALSE(is_archive_location("/usr/share/keyrings/x.gpg"));
  EXPECT_FALSE(is_archive_location("bookworm"));
  EXPECT_FALSE(is_archive_location("deb http://x.invalid"));
  EXPECT_FALSE(is_archive_location("file:///tmp/repo"));
}

} // namespace
} // namespace distill::planner::rewrite
