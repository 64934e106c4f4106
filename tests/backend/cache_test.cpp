#include "backend/fetch/cache.hpp"
#include "backend/fetch/url_store.hpp"

#include "support/atomic_file.hpp"
#include "support/sha256.hpp"
#include "tests/backend/backend_test_support.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

namespace distill::backend::fetch {
namespace {

namespace fs = std::filesystem;
using distill::testing::TempDir;

TEST(CacheDirTest, FollowsXdgThenHome) {
  EXPECT_EQ(*default_cache_dir("/x/cache", "/home/u"), fs::path("/x/cache/distill"));
  EXPECT_EQ(*default_cache_dir(nullptr, "/home/u"), fs::path("/home/u/.cache/distill"));
  // The XDG spec: a relative value is invalid and ignored.
  EXPECT_EQ(*default_cache_dir("relative", "/home/u"), fs::path("/home/u/.cache/distill"));
  EXPECT_FALSE(default_cache_dir(nullptr, nullptr).has_value());
}

class CacheTest : public ::testing::Test {
protected:
  Cache open(bool offline = false) { return *Cache::open(m_temp.path() / "cache", offline); }
  fs::path write_temp(const std::string& name, std::string_view data) {
    const fs::path path = m_temp.path() / name;
    EXPECT_TRUE(support::write_file_atomic(path, data).has_value());
    return path;
  }
  TempDir m_temp;
};

TEST_F(CacheTest, InsertsAVerifiedFileByItsDigest) {
  Cache cache = open();
  const std::string data = "verified content\n";
  const std::string sha = support::sha256_hex(data);
  const fs::path file = write_temp("download", data);
  auto stored = cache.insert_file(file, sha, data.size(), "example.deb");
  ASSERT_TRUE(stored.has_value()) << stored.error().message;
  EXPECT_EQ(*stored, cache.root() / "blobs/sha256" / sha);
  EXPECT_TRUE(cache.contains(sha));
  EXPECT_TRUE(cache.contains(sha, data.size()));
  EXPECT_FALSE(cache.contains(sha, data.size() + 1));
  EXPECT_EQ(*cache.read_blob(sha), data);
  EXPECT_FALSE(fs::exists(file)); // moved, not copied
}

TEST_F(CacheTest, RejectsAMismatchAndKeepsNothing) {
  Cache cache = open();
  const std::string expected = support::sha256_hex("the real thing");
  const std::string data = "something else";
  const fs::path file = write_temp("download", data);
  auto stored = cache.insert_file(file, expected, 14, "pool/main/t/tampered/tampered_1.0-1_all.deb");
  ASSERT_FALSE(stored.has_value());
  const std::string& message = stored.error().message;
  EXPECT_NE(message.find("checksum mismatch for pool/main/t/tampered/tampered_1.0-1_all.deb"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("expected sha256 " + expected + " (14 bytes)"), std::string::npos) << message;
  EXPECT_NE(message.find("got sha256 " + support::sha256_hex(data) + " (14 bytes)"), std::string::npos)
      << message;
  EXPECT_FALSE(cache.contains(expected));
  EXPECT_FALSE(fs::exists(file));
}

TEST_F(CacheTest, RejectsAWrongSize) {
  Cache cache = open();
  const std::string data = "sized";
  auto stored = cache.insert_file(write_temp("d", data), support::sha256_hex(data), 99, "x");
  ASSERT_FALSE(stored.has_value());
  EXPECT_NE(stored.error().message.find("(99 bytes), got"), std::string::npos);
}

TEST_F(CacheTest, InsertsBytesUnderTheirOwnDigest) {
  Cache cache = open();
  auto sha = cache.insert_bytes("signed release");
  ASSERT_TRUE(sha.has_value());
  EXPECT_EQ(*sha, support::sha256_hex("signed release"));
  EXPECT_EQ(*cache.read_blob(*sha), "signed release");
  EXPECT_EQ(*cache.insert_bytes("signed release"), *sha); // idempotent
}

TEST_F(CacheTest, RemembersUrls) {
  Cache cache = open();
  const std::string url = "http://127.0.0.1:1/dists/fixture/InRelease";
  EXPECT_FALSE(lookup_url(cache, url).has_value());
  ASSERT_TRUE(remember_url(cache, UrlRecord{url, std::string(64, 'a'), 12}).has_value());
  auto record = lookup_url(cache, url);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->sha256, std::string(64, 'a'));
  EXPECT_EQ(record->size, 12u);
  EXPECT_FALSE(lookup_url(cache, url + "x").has_value());
}

TEST_F(CacheTest, TryLockSeesAnotherHolder) {
  Cache cache = open();
  const std::string sha(64, 'b');
  auto first = cache.lock_entry(sha, false);
  ASSERT_TRUE(first.has_value() && first->held());
  // flock locks belong to the open file, so a second open in this process conflicts too.
  auto second = cache.lock_entry(sha, false);
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->held());
  *first = EntryLock();
  auto third = cache.lock_entry(sha, false);
  EXPECT_TRUE(third.has_value() && third->held());
}

// Two processes store the same 4 MiB blob over and over while a third reads
// it: every insert succeeds and the reader never sees a partial file.
TEST_F(CacheTest, TwoProcessesWritingTheSameBlob) {
  Cache cache = open();
  std::string data(4 << 20, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<char>((i * 131) % 251);
  }
  const std::string sha = support::sha256_hex(data);
  auto writer = [&](int id) {
    for (int round = 0; round < 8; ++round) {
      const fs::path file = m_temp.path() / fmt::format("w{}-{}", id, round);
      if (!support::write_file_atomic(file, data)) {
        ::_exit(2);
      }
      auto stored = cache.insert_file(file, sha, data.size(), "blob");
      if (!stored) {
        ::_exit(3);
      }
      // Let the next round race a fresh insert of the same entry.
      if (id == 0) {
        ::unlink(cache.blob_path(sha).c_str());
      }
    }
    ::_exit(0);
  };
  auto reader = [&] {
    for (int i = 0; i < 200; ++i) {
      if (auto read = support::read_file(cache.blob_path(sha)); read && read->size() != data.size()) {
        ::_exit(4);
      }
    }
    ::_exit(0);
  };
  std::vector<pid_t> children;
  for (int id = 0; id < 2; ++id) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      writer(id);
    }
    children.push_back(pid);
  }
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    reader();
  }
  children.push_back(pid);
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  auto fresh = cache.insert_file([&] {
    const fs::path f = m_temp.path() / "last";
    EXPECT_TRUE(support::write_file_atomic(f, data).has_value());
    return f;
  }(), sha, data.size(), "blob");
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ(support::sha256_hex(*support::read_file(*fresh)), sha);
  // No temporary file is left behind in the blob directory.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(cache.root() / "blobs/sha256")) {
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

} // namespace
} // namespace distill::backend::fetch
