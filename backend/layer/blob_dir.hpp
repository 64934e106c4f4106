#pragma once

// A content-addressed blob directory, as in an OCI image layout: blobs live at
// <root>/sha256/<hex>. Writes go to a dot-named temporary file in the same
// directory and are renamed into place, so a blob file is complete or absent.

#include "support/error.hpp"
#include "support/sha256.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace distill::backend::layer {

struct BlobInfo {
  std::string digest;         // "sha256:<hex>"
  std::uint64_t size = 0;     // bytes
  std::filesystem::path path; // <root>/sha256/<hex>
};

// The file a digest ("sha256:<hex>") is stored at under `root`.
std::filesystem::path blob_path(const std::filesystem::path& root, std::string_view digest);

// Streams one blob into the directory while hashing it. Move-only; a writer
// dropped without commit() removes its temporary file.
class BlobWriter {
public:
  // Creates <root>/sha256/ if needed and opens a temporary file there.
  static support::Result<BlobWriter> create(const std::filesystem::path& root);

  BlobWriter(BlobWriter&& other) noexcept;
  BlobWriter& operator=(BlobWriter&&) = delete;
  BlobWriter(const BlobWriter&) = delete;
  ~BlobWriter();

  // Appends bytes; fails on a write error.
  support::Result<void> write(std::string_view data);
  // Fsyncs, names the file after its digest (keeping an existing identical
  // blob) and returns it; fails on an I/O error.
  support::Result<BlobInfo> commit();

private:
  BlobWriter(std::filesystem::path root, std::filesystem::path temp, int fd);

  std::filesystem::path m_root;
  std::filesystem::path m_temp;
  int m_fd = -1;
  support::Sha256 m_hash;
  std::uint64_t m_size = 0;
};

// Stores `data` as a blob; fails on an I/O error.
support::Result<BlobInfo> write_blob(const std::filesystem::path& root, std::string_view data);

// Puts the file `source`, which should be blob `digest` of `size` bytes (a
// cache entry or another layout's blob), into the blob directory `root`,
// atomically: a hard link when both share a filesystem (the bytes were checked
// when they entered the source), else a copy hashed on the way through a
// temporary file and renamed into place. A blob already there with the right
// size is kept; one with the wrong size is replaced. Fails when the source is
// missing, has another size, or (copied) another digest, or on an I/O error.
support::Result<void> place_blob(const std::filesystem::path& source, const std::filesystem::path& root,
                                 std::string_view digest, std::uint64_t size);

} // namespace distill::backend::layer
