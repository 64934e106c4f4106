#pragma once

// The entries of a capture directory (see capture.hpp) and their JSON form,
// shared by the writer (inside the sandbox) and the loader (in the caller).

#include "support/error.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace distill::backend::sandbox {

struct CaptureRecord {
  std::string path; // in-root, "/etc/passwd"
  std::string type; // fs::to_string(EntryType): "regular", "directory", "whiteout", ...
  std::uint32_t mode = 0;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::int64_t mtime = 0;
  std::uint64_t size = 0;
  std::string blob; // "blobs/3" relative to the capture directory (regular files)
  std::string link; // symlink target, or the tree path a hardlink points at
  bool opaque = false;
  std::uint32_t dev_major = 0;
  std::uint32_t dev_minor = 0;
  std::map<std::string, std::string> xattrs; // raw values
};

// Writes <dir>/manifest.json atomically; fails on I/O errors.
support::Result<void> write_manifest(const std::filesystem::path& dir,
                                     const std::vector<CaptureRecord>& records);

// Reads <dir>/manifest.json; fails when it is missing or malformed.
support::Result<std::vector<CaptureRecord>> read_manifest(const std::filesystem::path& dir);

} // namespace distill::backend::sandbox

namespace distill::backend::fs {
class Tree;
}

namespace distill::backend::sandbox {

// The layer a capture directory describes, as a tree whose file contents are
// read from its blobs (the directory must outlive the tree's use); fails on
// a malformed manifest or an entry the tree rejects.
support::Result<fs::Tree> load_capture(const std::filesystem::path& dir);

} // namespace distill::backend::sandbox
