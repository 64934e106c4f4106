#pragma once

// Reads a tar layer (plain, gzip, zstd or xz, detected from the bytes) into a
// fs::Tree. Names are checked: an absolute or "./" prefix is dropped and any
// ".." component is an error, so nothing read can point outside the tree.

#include "backend/fs/tree.hpp"
#include "support/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace distill::backend::layer {

struct ReadOptions {
  // Regular files bigger than spill_threshold go into fresh files in this
  // directory (Content::from_file) instead of memory; empty = keep all in memory.
  std::filesystem::path scratch_dir;
  std::uint64_t spill_threshold = 1 << 20;
  // Interpret OCI whiteouts (".wh.<name>" -> a whiteout entry, ".wh..wh..opq"
  // -> an opaque parent). Off for plain archives, whose ".wh." files are files.
  bool whiteouts = true;
};

// Reads the layer file at `path`; fails on a damaged archive, an unsafe name,
// or an I/O error, naming the member.
support::Result<fs::Tree> read_layer(const std::filesystem::path& path,
                                     const ReadOptions& options = {});

// Reads a layer held in memory; same rules as read_layer.
support::Result<fs::Tree> read_layer_bytes(std::string_view bytes, const ReadOptions& options = {});

// The checked tree path of a tar member name ("./usr/bin/" -> "/usr/bin");
// fails on "..", NUL or an empty name.
support::Result<std::string> safe_member_path(std::string_view name);

} // namespace distill::backend::layer
