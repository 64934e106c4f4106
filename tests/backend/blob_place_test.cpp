// layer::place_blob: a checked blob file into a layout's blob dir, atomically.

#include "backend/layer/blob_dir.hpp"
#include "backend_test_support.hpp"
#include "support/sha256.hpp"

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace distill::backend::layer {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string digest_of(const std::string& bytes) { return "sha256:" + support::sha256_hex(bytes); }

// Files in `dir` other than `keep` (temporaries or misnamed blobs left behind).
std::size_t others_in(const fs::path& dir, const fs::path& keep) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    count += entry.path() != keep ? 1 : 0;
  }
  return count;
}

class PlaceBlob : public ::testing::Test {
protected:
  distill::testing::TempDir m_dir;
  const std::string m_bytes = std::string(70000, 'b') + "end";
  const std::string m_digest = digest_of(m_bytes);
  fs::path source() const { return m_dir.path() / "cache" / "blob"; }
  fs::path blobs() const { return m_dir.path() / "layout" / "blobs"; }
};

TEST_F(PlaceBlob, HardLinksOnOneFilesystem) {
  write(source(), m_bytes);
  ASSERT_TRUE(place_blob(source(), blobs(), m_digest, m_bytes.size()).has_value());
  const auto target = blob_path(blobs(), m_digest);
  EXPECT_TRUE(fs::equivalent(source(), target));
  EXPECT_EQ(others_in(target.parent_path(), target), 0u);
  // Again: the blob is there, nothing changes.
  ASSERT_TRUE(place_blob(source(), blobs(), m_digest, m_bytes.size()).has_value());
  EXPECT_EQ(read(target), m_bytes);
}

TEST_F(PlaceBlob, ReplacesADamagedBlobWithACheckedCopy) {
  write(source(), m_bytes);
  const auto target = blob_path(blobs(), m_digest);
  write(target, "cut");
  ASSERT_TRUE(place_blob(source(), blobs(), m_digest, m_bytes.size()).has_value());
  EXPECT_EQ(read(target), m_bytes);
  EXPECT_FALSE(fs::equivalent(source(), target)); // copied: link() cannot replace
  EXPECT_EQ(others_in(target.parent_path(), target), 0u);
}

TEST_F(PlaceBlob, RefusesASourceOfAnotherSizeOrDigest) {
  write(source(), m_bytes + "x");
  auto wrong_size = place_blob(source(), blobs(), m_digest, m_bytes.size());
  ASSERT_FALSE(wrong_size.has_value());
  EXPECT_NE(wrong_size.error().message.find("is not " + std::to_string(m_bytes.size()) + " bytes"),
            std::string::npos)
      << wrong_size.error().message;
  EXPECT_FALSE(fs::exists(blob_path(blobs(), m_digest)));

  // Same size, other bytes: a copy (here forced by a damaged target) is hashed.
  std::string other = m_bytes;
  other[5] = 'X';
  write(source(), other);
  const auto target = blob_path(blobs(), m_digest);
  write(target, "cut");
  auto wrong_digest = place_blob(source(), blobs(), m_digest, m_bytes.size());
  ASSERT_FALSE(wrong_digest.has_value());
  EXPECT_NE(wrong_digest.error().message.find(digest_of(other)), std::string::npos) << wrong_digest.error().message;
  EXPECT_FALSE(fs::exists(blob_path(blobs(), digest_of(other))));
  EXPECT_EQ(others_in(target.parent_path(), target), 0u);
}

TEST_F(PlaceBlob, CopiesAcrossFilesystems) {
  // /dev/shm is a tmpfs on Linux; a link from it into the temp dir fails with EXDEV.
  struct stat shm {};
  struct stat tmp {};
  if (::stat("/dev/shm", &shm) != 0 || ::stat(m_dir.path().c_str(), &tmp) != 0 || shm.st_dev == tmp.st_dev ||
      ::access("/dev/shm", W_OK) != 0) {
    GTEST_SKIP() << "no second writable filesystem";
  }
  const fs::path shm_source = fs::path("/dev/shm") / ("distill-place-" + std::to_string(::getpid()));
  write(shm_source, m_bytes);
  auto placed = place_blob(shm_source, blobs(), m_digest, m_bytes.size());
  fs::remove(shm_source);
  ASSERT_TRUE(placed.has_value()) << placed.error().message;
  const auto target = blob_path(blobs(), m_digest);
  EXPECT_EQ(read(target), m_bytes);
  EXPECT_EQ(others_in(target.parent_path(), target), 0u);
}

} // namespace
} // namespace distill::backend::layer
