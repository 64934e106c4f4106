#pragma once

#include "support/error.hpp"

#include <filesystem>
#include <string_view>

namespace distill::support {

// Writes `data` to `path` through a temporary file in the same directory,
// fsynced and renamed into place, so readers see the old file or the whole
// new one, never a part. Creates missing parent directories.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view data,
                               unsigned mode = 0644);

// Reads a whole file.
Result<std::string> read_file(const std::filesystem::path& path);

} // namespace distill::support
