#include "backend/archive/decompress.hpp"

#include "support/atomic_file.hpp"
#include "support/run_program.hpp"
#include "tests/backend/apt_repo_fixture.hpp"
#include "tests/backend/backend_test_support.hpp"

#include <gtest/gtest.h>

namespace distill::backend::archive {
namespace {

namespace fs = std::filesystem;

TEST(DecompressTest, ReadsEveryIndexVariantOfTheFixture) {
  auto repo = distill::testing::apt_repo_fixture();
  ASSERT_TRUE(repo.has_value()) << repo.error();
  const fs::path dir = repo->repo / "dists/fixture/main/binary-amd64";
  const std::string plain = *support::read_file(dir / "Packages");
  for (const char* name : {"Packages", "Packages.gz", "Packages.xz"}) {
    auto text = decompress_file(dir / name, plain.size(), name);
    ASSERT_TRUE(text.has_value()) << text.error().message;
    EXPECT_EQ(*text, plain) << name;
  }
  auto capped = decompress_file(dir / "Packages.xz", plain.size() - 1, "Packages.xz");
  ASSERT_FALSE(capped.has_value());
  EXPECT_NE(capped.error().message.find("decompresses to more than the expected"), std::string::npos);
}

TEST(DecompressTest, EmptyIndexesAndCorruptData) {
  distill::testing::TempDir temp;
  for (const char* name : {"empty", "for-xz", "for-gzip"}) {
    ASSERT_TRUE(support::write_file_atomic(temp.path() / name, ""));
  }
  // Real compressors' output for an empty file (an empty component's index).
  ASSERT_EQ(support::run_program({"xz", "-z", (temp.path() / "for-xz").string()})->exit_code, 0);
  ASSERT_EQ(support::run_program({"gzip", "-n", (temp.path() / "for-gzip").string()})->exit_code, 0);
  for (const char* name : {"empty", "for-xz.xz", "for-gzip.gz"}) {
    auto text = decompress_file(temp.path() / name, 10, name);
    ASSERT_TRUE(text.has_value()) << name << ": " << text.error().message;
    EXPECT_EQ(*text, "") << name;
  }
  auto repo = distill::testing::apt_repo_fixture();
  ASSERT_TRUE(repo.has_value()) << repo.error();
  const std::string xz = *support::read_file(repo->repo / "dists/fixture/main/binary-amd64/Packages.xz");
  ASSERT_TRUE(support::write_file_atomic(temp.path() / "cut.xz", xz.substr(0, xz.size() / 2)));
  auto cut = decompress_file(temp.path() / "cut.xz", 1 << 20, "cut.xz");
  ASSERT_FALSE(cut.has_value());
  EXPECT_TRUE(cut.error().message.starts_with("cut.xz: ")) << cut.error().message;
}

} // namespace
} // namespace distill::backend::archive
