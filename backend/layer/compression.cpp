#include "backend/layer/compression.hpp"

#include <array>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "support/sha256.hpp"

namespace distill::backend::layer {

using support::fail;
using support::Result;

namespace {

constexpr std::size_t k_out_chunk = 256 * 1024;

class NoCompressor final : public Compressor {
public:
  explicit NoCompressor(ByteSink sink) : m_sink(std::move(sink)) {}
  Result<void> write(std::string_view data) override { return m_sink(data); }
  Result<void> finish() override { return {}; }

private:
  ByteSink m_sink;
};

// zlib directly (not libarchive's gzip filter) so the header bytes and the
// deflate parameters are ours to pin.
class GzipCompressor final : public Compressor {
public:
  GzipCompressor(ByteSink sink) : m_sink(std::move(sink)), m_out(k_out_chunk) {}
  ~GzipCompressor() override {
    if (m_initialised) {
      deflateEnd(&m_stream);
    }
  }

  Result<void> init(int level) {
    // windowBits 15 + 16 selects the gzip wrapper; without deflateSetHeader
    // zlib writes mtime 0, no name, XFL from the level and OS = 3 on Unix.
    if (deflateInit2(&m_stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return fail("cannot initialise zlib deflate at level {}", level);
    }
    m_initialised = true;
    return {};
  }

  Result<void> write(std::string_view data) override { return pump(data, Z_NO_FLUSH); }
  Result<void> finish() override { return pump({}, Z_FINISH); }

private:
  Result<void> pump(std::string_view data, int flush) {
    m_stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    m_stream.avail_in = static_cast<uInt>(data.size());
    while (true) {
      m_stream.next_out = reinterpret_cast<Bytef*>(m_out.data());
      m_stream.avail_out = static_cast<uInt>(m_out.size());
      const int rc = deflate(&m_stream, flush);
      if (rc == Z_STREAM_ERROR) {
        return fail("zlib deflate failed");
      }
      const std::size_t produced = m_out.size() - m_stream.avail_out;
      if (produced > 0) {
        if (auto sent = m_sink(std::string_view(m_out.data(), produced)); !sent) {
          return sent;
        }
      }
      if (flush == Z_FINISH ? rc == Z_STREAM_END
                            : (m_stream.avail_in == 0 && m_stream.avail_out != 0)) {
        return {};
      }
    }
  }

  ByteSink m_sink;
  std::vector<char> m_out;
  z_stream m_stream{};
  bool m_initialised = false;
};

// libzstd through libarchive's "raw" format and zstd filter: libarchive links
// libzstd in-process, so no extra library is needed and the output is the
// library's, not an external program's.
class ZstdCompressor final : public Compressor {
public:
  explicit ZstdCompressor(ByteSink sink) : m_sink(std::move(sink)) {}
  ~ZstdCompressor() override {
    if (m_archive != nullptr) {
      archive_write_free(m_archive);
    }
  }

  Result<void> init(int level) {
    m_archive = archive_write_new();
    if (m_archive == nullptr) {
      return fail("cannot allocate a libarchive writer");
    }
    const std::string level_text = std::to_string(level);
    if (archive_write_set_format_raw(m_archive) != ARCHIVE_OK ||
        archive_write_add_filter_zstd(m_archive) != ARCHIVE_OK ||
        archive_write_set_filter_option(m_archive, "zstd", "compression-level",
                                        level_text.c_str()) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(m_archive, 0) != ARCHIVE_OK ||
        archive_write_open2(m_archive, this, nullptr, &ZstdCompressor::on_write, nullptr,
                            nullptr) != ARCHIVE_OK) {
      return fail("cannot set up zstd compression: {}", error_text());
    }
    archive_entry* entry = archive_entry_new();
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_pathname(entry, "layer.tar");
    const int rc = archive_write_header(m_archive, entry);
    archive_entry_free(entry);
    if (rc != ARCHIVE_OK) {
      return fail("cannot start zstd stream: {}", error_text());
    }
    return {};
  }

  Result<void> write(std::string_view data) override {
    while (!data.empty()) {
      const auto n = archive_write_data(m_archive, data.data(), data.size());
      if (n < 0) {
        return failure("zstd compression");
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
  }

  Result<void> finish() override {
    if (archive_write_close(m_archive) != ARCHIVE_OK) {
      return failure("finishing zstd stream");
    }
    return {};
  }

private:
  static la_ssize_t on_write(archive*, void* self, const void* buffer, size_t length) {
    auto* me = static_cast<ZstdCompressor*>(self);
    auto sent = me->m_sink(std::string_view(static_cast<const char*>(buffer), length));
    if (!sent) {
      me->m_sink_error = sent.error();
      return -1;
    }
    return static_cast<la_ssize_t>(length);
  }

  std::string error_text() const {
    const char* text = archive_error_string(m_archive);
    return text != nullptr ? text : "unknown libarchive error";
  }

  std::unexpected<support::Error> failure(std::string_view what) const {
    if (m_sink_error) {
      return std::unexpected(*m_sink_error);
    }
    return fail("{}: {}", what, error_text());
  }

  ByteSink m_sink;
  archive* m_archive = nullptr;
  std::optional<support::Error> m_sink_error;
};

} // namespace

Result<Compression> parse_compression(std::string_view text) {
  if (text == "gzip") {
    return Compression::gzip;
  }
  if (text == "zstd") {
    return Compression::zstd;
  }
  if (text == "none" || text == "uncompressed") {
    return Compression::none;
  }
  return fail("unknown compression {:?}: use gzip, zstd or none", std::string(text));
}

std::string_view to_string(Compression compression) {
  switch (compression) {
  case Compression::gzip: return "gzip";
  case Compression::zstd: return "zstd";
  case Compression::none: return "none";
  }
  return "none";
}

std::string_view layer_media_type(Compression compression) {
  switch (compression) {
  case Compression::gzip: return "application/vnd.oci.image.layer.v1.tar+gzip";
  case Compression::zstd: return "application/vnd.oci.image.layer.v1.tar+zstd";
  case Compression::none: return "application/vnd.oci.image.layer.v1.tar";
  }
  return "application/vnd.oci.image.layer.v1.tar";
}

Result<std::unique_ptr<Compressor>> make_compressor(Compression compression, ByteSink sink,
                                                    int level) {
  switch (compression) {
  case Compression::none:
    return std::make_unique<NoCompressor>(std::move(sink));
  case Compression::gzip: {
    auto gzip = std::make_unique<GzipCompressor>(std::move(sink));
    if (auto ok = gzip->init(level > 0 ? level : k_gzip_level); !ok) {
      return std::unexpected(ok.error());
    }
    return gzip;
  }
  case Compression::zstd: {
    auto zstd = std::make_unique<ZstdCompressor>(std::move(sink));
    if (auto ok = zstd->init(level > 0 ? level : k_zstd_level); !ok) {
      return std::unexpected(ok.error());
    }
    return zstd;
  }
  }
  return fail("unknown compression");
}

Result<StreamInfo> decompress_file(const std::filesystem::path& path, const ByteSink& sink) {
  struct Free {
    void operator()(archive* a) const { archive_read_free(a); }
  };
  std::unique_ptr<archive, Free> a(archive_read_new());
  if (!a) {
    return fail("cannot allocate a libarchive reader");
  }
  archive_read_support_filter_all(a.get());
  archive_read_support_format_raw(a.get());
  auto error = [&](std::string_view what) {
    const char* text = archive_error_string(a.get());
    return fail("{} {}: {}", what, path.string(), text != nullptr ? text : "unknown error");
  };
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return error("opening");
  }
  archive_entry* entry = nullptr;
  StreamInfo info;
  support::Sha256 hash;
  const int rc = archive_read_next_header(a.get(), &entry);
  if (rc == ARCHIVE_EOF) {
    info.sha256 = hash.hex_digest(); // an empty blob
    return info;
  }
  if (rc != ARCHIVE_OK) {
    return error("reading");
  }
  std::vector<char> buffer(k_out_chunk);
  while (true) {
    const auto n = archive_read_data(a.get(), buffer.data(), buffer.size());
    if (n < 0) {
      return error("decompressing");
    }
    if (n == 0) {
      break;
    }
    const std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
    hash.update(chunk);
    info.size += chunk.size();
    if (sink) {
      if (auto sent = sink(chunk); !sent) {
        return std::unexpected(sent.error());
      }
    }
  }
  info.sha256 = hash.hex_digest();
  return info;
}

} // namespace distill::backend::layer
