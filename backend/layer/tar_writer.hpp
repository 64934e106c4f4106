#pragma once

// Deterministic tar serialisation of a fs::Tree.
//
// Format: POSIX pax as libarchive's "pax_restricted" writes it: plain ustar
// headers, with a pax extended header only where ustar cannot hold a field
// (names over 100 bytes, non-ASCII names, big ids or sizes, xattrs). This is
// what BuildKit's layers (Go archive/tar) look like too, and unlike GNU format
// it carries xattrs (SCHILY.xattr.*). Every entry:
//   - in bytewise order of its path, so parents precede children; names are
//     relative ("usr/bin/ls"), directories end in '/'; no "./" root entry;
//   - mtime clamped to [0, source_date_epoch], whole seconds, no atime/ctime;
//   - numeric uid/gid from the tree; uname/gname empty unless asked for;
//   - hard links as link entries to the first path of their group in that
//     order (which is then written as the regular file);
//   - whiteouts as empty ".wh.<name>" files, opaque directories followed by
//     "<dir>/.wh..wh..opq" (the OCI layer conventions).

#include "backend/fs/tree.hpp"
#include "backend/layer/compression.hpp"
#include "support/error.hpp"

#include <cstdint>

namespace distill::backend::layer {

struct TarOptions {
  std::int64_t source_date_epoch = 0; // newer mtimes are clamped to this
  bool owner_names = false;           // write the tree's uname/gname instead of empty names
  bool xattrs = true;                 // write the tree's xattrs
};

// Streams `tree` as a tar archive into `sink` (padded to 10240-byte records).
// Fails if a file's content cannot be read or has the wrong size, or if the
// sink fails.
support::Result<void> write_tar(const fs::Tree& tree, const TarOptions& options,
                                const ByteSink& sink);

} // namespace distill::backend::layer
