#include "backend/archive/decompress.hpp"

#include <memory>

#include <archive.h>
#include <archive_entry.h>

namespace distill::backend::archive {

namespace {

struct ArchiveReadDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchiveReader = std::unique_ptr<struct archive, ArchiveReadDeleter>;

} // namespace

support::Result<std::string> decompress_file(const std::filesystem::path& file, std::uint64_t max_size,
                                             std::string_view what) {
  ArchiveReader reader(archive_read_new());
  if (!reader) {
    return support::fail("{}: libarchive: out of memory", what);
  }
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_raw(reader.get());
  archive_read_support_format_empty(reader.get()); // an empty index (xz or gz of nothing) is valid
  if (archive_read_open_filename(reader.get(), file.c_str(), 1 << 16) != ARCHIVE_OK) {
    return support::fail("{}: {}", what, archive_error_string(reader.get()));
  }
  struct archive_entry* entry = nullptr;
  const int header = archive_read_next_header(reader.get(), &entry);
  if (header == ARCHIVE_EOF) {
    return std::string(); // an empty file: an empty index
  }
  if (header != ARCHIVE_OK) {
    return support::fail("{}: {}", what, archive_error_string(reader.get()));
  }
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    const la_ssize_t n = archive_read_data(reader.get(), buffer, sizeof buffer);
    if (n < 0) {
      return support::fail("{}: corrupt compressed data: {}", what, archive_error_string(reader.get()));
    }
    if (n == 0) {
      break;
    }
    if (out.size() + static_cast<std::size_t>(n) > max_size) {
      return support::fail("{}: decompresses to more than the expected {} bytes", what, max_size);
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

} // namespace distill::backend::archive
