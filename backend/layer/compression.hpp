#pragma once

#include "support/error.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace distill::backend::layer {

// Layer compression. The implementations and levels are pinned so the same
// tar always gives the same blob: gzip = the system zlib's deflate, level 6,
// windowBits 15, memLevel 8, default strategy, gzip header with mtime 0, no
// file name, OS byte 3; zstd = libzstd through libarchive, level 3, one
// thread; none = the tar itself.
enum class Compression { gzip, zstd, none };

inline constexpr int k_gzip_level = 6;
inline constexpr int k_zstd_level = 3;

// Parses "gzip", "zstd" or "none"; fails naming the accepted values.
support::Result<Compression> parse_compression(std::string_view text);
// "gzip", "zstd" or "none".
std::string_view to_string(Compression compression);
// The OCI layer media type: application/vnd.oci.image.layer.v1.tar[+gzip|+zstd].
std::string_view layer_media_type(Compression compression);

// Receives the compressed bytes in order; an error stops the stream.
using ByteSink = std::function<support::Result<void>(std::string_view)>;

// A streaming compressor: write() any number of times, then finish() once.
class Compressor {
public:
  virtual ~Compressor() = default;
  virtual support::Result<void> write(std::string_view data) = 0;
  virtual support::Result<void> finish() = 0;
};

// A compressor feeding `sink`; level 0 means the pinned default. Fails if the
// library cannot be initialised.
support::Result<std::unique_ptr<Compressor>> make_compressor(Compression compression, ByteSink sink,
                                                             int level = 0);

} // namespace distill::backend::layer

namespace distill::backend::layer {

// What a decompression pass saw.
struct StreamInfo {
  std::string sha256;     // lower-case hex of the decompressed bytes
  std::uint64_t size = 0; // decompressed bytes
};

// Streams the decompressed bytes of a blob file (gzip, zstd, xz, bzip2 or
// plain, detected from the bytes) into `sink` (may be empty to only hash).
// Fails on a damaged stream or an I/O error.
support::Result<StreamInfo> decompress_file(const std::filesystem::path& path, const ByteSink& sink);

} // namespace distill::backend::layer
