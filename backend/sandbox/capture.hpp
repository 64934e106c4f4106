#pragma once

// Turns what a step changed into a layer, written as a capture directory:
// manifest.json (one record per entry, in-namespace owners) plus blobs/<n>
// (the content of regular files, owned by and readable for the caller). The
// capture runs inside the sandbox's user namespace, where the step's files
// (owned by mapped ids the caller cannot read) are accessible and stat()
// already reports in-image ids.

#include "support/error.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace distill::backend::sandbox {

struct CaptureRules {
  // In-root paths ("/proc", "/run/secrets/x") never captured, nor anything under them.
  std::set<std::string> excluded;
  // In-root paths the sandbox created only as mount points: dropped unless the
  // step put something below them.
  std::set<std::string> stubs;
};

// Overlay mode: converts the upper directory (whiteouts, opaque xattrs) into
// a capture at `out` (which must exist and be empty); directories whose
// metadata equals the lower one and hold nothing captured are left out.
support::Result<void> capture_upper(const std::filesystem::path& upper,
                                    const std::vector<std::filesystem::path>& lowers_top_first,
                                    const CaptureRules& rules, const std::filesystem::path& out);

// What the copy fallback remembers of each path before the step.
struct SnapshotEntry {
  std::uint64_t ino = 0;
  std::int64_t ctime_ns = 0;
  std::uint32_t mode = 0; // st_mode incl. type
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
};
using Snapshot = std::map<std::string, SnapshotEntry>; // in-root path -> entry

// Records every path below `root` (excluded ones left out); fails on I/O errors.
support::Result<Snapshot> take_snapshot(const std::filesystem::path& root, const CaptureRules& rules);

// Copy mode: the difference between `root` now and `before` as a capture at `out`.
support::Result<void> capture_diff(const std::filesystem::path& root, const Snapshot& before,
                                   const CaptureRules& rules, const std::filesystem::path& out);

} // namespace distill::backend::sandbox
