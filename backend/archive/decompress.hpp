#pragma once

// Index decompression (xz, gzip, bzip2, or none) through libarchive's raw
// format, with a size cap so a hostile file cannot fill memory.

#include "support/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace distill::backend::archive {

// The decompressed content of `file` (plain files come back as they are).
// Fails naming `what` on corrupt data or when the output would exceed
// `max_size` bytes.
support::Result<std::string> decompress_file(const std::filesystem::path& file, std::uint64_t max_size,
                                             std::string_view what);

} // namespace distill::backend::archive
