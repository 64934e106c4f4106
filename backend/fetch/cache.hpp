#pragma once

// The content-addressed download cache: blobs/sha256/<hex>, shared by every
// build of the user. Nothing enters it unverified, entries appear by rename
// (readers never see part of a file), and writers of one entry serialise on
// an flock so two builds can share the directory.

#include "support/error.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace distill::backend::fetch {

// $XDG_CACHE_HOME/distill, else $HOME/.cache/distill; fails when neither is set.
support::Result<std::filesystem::path> default_cache_dir(const char* xdg_cache_home,
                                                         const char* home);
// The same, read from this process's environment.
support::Result<std::filesystem::path> default_cache_dir_from_env();

// True when `hex` is 64 lower-case hex digits.
bool is_sha256_hex(std::string_view hex);

// An exclusive flock on one entry's lock file; released on destruction.
class EntryLock {
public:
  EntryLock() = default;
  EntryLock(EntryLock&& other) noexcept;
  EntryLock& operator=(EntryLock&& other) noexcept;
  EntryLock(const EntryLock&) = delete;
  EntryLock& operator=(const EntryLock&) = delete;
  ~EntryLock();
  bool held() const { return m_fd >= 0; }

private:
  friend class Cache;
  explicit EntryLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

class Cache {
public:
  // Opens (creating) a cache under `root`. In offline mode nothing may be
  // downloaded; callers ask offline() and report what is missing.
  static support::Result<Cache> open(std::filesystem::path root, bool offline = false);

  const std::filesystem::path& root() const { return m_root; }
  bool offline() const { return m_offline; }

  // Where the blob with this digest lives (whether or not it exists).
  std::filesystem::path blob_path(std::string_view sha256) const;
  // True when the blob is present (and, if given, has `size` bytes).
  bool contains(std::string_view sha256, std::optional<std::uint64_t> size = {}) const;
  // The resumable download file for a blob, inside the cache (same filesystem).
  std::filesystem::path partial_path(std::string_view sha256) const;
  // A fresh unique path under tmp/ (for downloads whose digest is not known).
  support::Result<std::filesystem::path> unique_temp_path(std::string_view stem) const;

  // Locks one entry; with wait=false returns an unheld lock when another
  // process holds it. Fails on I/O errors only.
  support::Result<EntryLock> lock_entry(std::string_view sha256, bool wait) const;

  // Verifies `file` against `sha256` (and `size`), then moves it into the
  // cache and returns the blob path. On a mismatch the file is deleted and the
  // error names `what` (usually the URL), the expected and the actual values.
  // Pass the entry's lock when the caller already holds it.
  support::Result<std::filesystem::path> insert_file(const std::filesystem::path& file,
                                                     std::string_view sha256,
                                                     std::optional<std::uint64_t> size,
                                                     std::string_view what,
                                                     const EntryLock* held = nullptr) const;
  // Stores `data` under its own sha256 (for bytes verified some other way,
  // e.g. a signed InRelease) and returns the digest.
  support::Result<std::string> insert_bytes(std::string_view data) const;
  // Reads a blob whole; fails when it is absent.
  support::Result<std::string> read_blob(std::string_view sha256) const;

private:
  Cache(std::filesystem::path root, bool offline) : m_root(std::move(root)), m_offline(offline) {}
  std::filesystem::path m_root;
  bool m_offline = false;
};

// The sha256 and size of a file, streamed.
struct FileDigest {
  std::string sha256;
  std::uint64_t size = 0;
};
support::Result<FileDigest> digest_file(const std::filesystem::path& file);

} // namespace distill::backend::fetch
