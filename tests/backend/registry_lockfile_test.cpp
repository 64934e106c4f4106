// distill.lock for pulled bases: the digest, and the release of installs on
// the image, survive writing and reading back.

#include "planner/debian/lockfile.hpp"

#include <gtest/gtest.h>

namespace {

using namespace distill::planner::debian;

Lockfile image_lock(bool with_release) {
  Lockfile lock;
  lock.inputs_hash = "sha256:" + std::string(64, 'a');
  LockedStage stage;
  stage.base.kind = BaseKind::image;
  stage.base.platform = "linux/amd64";
  stage.base.reference = "127.0.0.1:5000/base:1";
  stage.base.digest = "sha256:" + std::string(64, 'b');
  if (with_release) {
    stage.base.distro = "debian";
    stage.base.suite = "bookworm";
    stage.base.indexes.push_back({"http://127.0.0.1:1/debian", "bookworm", "main", "amd64",
                                  "dists/bookworm/main/binary-amd64/Packages.xz", std::string(64, 'c')});
  }
  lock.stages.push_back(stage);
  return lock;
}

TEST(RegistryLockfile, AnImageBaseRoundTripsWithAndWithoutARelease) {
  for (bool with_release : {false, true}) {
    const auto lock = image_lock(with_release);
    const auto text = to_json(lock);
    EXPECT_EQ(text.find("\"suite\"") != std::string::npos, with_release) << text;
    auto back = parse_lockfile(text);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, lock);
    EXPECT_EQ(to_json(*back), text);
  }
}

TEST(RegistryLockfile, AnImageReleaseNeedsItsIndexes) {
  auto text = to_json(image_lock(true));
  const auto at = text.find("\"indexes\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 9, "\"indexez\"");
  auto parsed = parse_lockfile(text);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("indexes"), std::string::npos) << parsed.error().message;
}

} // namespace
