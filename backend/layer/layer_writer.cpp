#include "backend/layer/layer_writer.hpp"

#include "backend/layer/blob_dir.hpp"
#include "support/parallel.hpp"
#include "support/sha256.hpp"

#include <algorithm>
#include <optional>

namespace distill::backend::layer {

using support::Result;

Result<LayerBlob> write_layer(const fs::Tree& tree, const std::filesystem::path& blob_root,
                              const LayerOptions& options) {
  auto blob = BlobWriter::create(blob_root);
  if (!blob) {
    return std::unexpected(blob.error());
  }
  auto compressor = make_compressor(
      options.compression, [&](std::string_view bytes) { return blob->write(bytes); },
      options.level);
  if (!compressor) {
    return std::unexpected(compressor.error());
  }
  support::Sha256 tar_hash;
  std::uint64_t tar_size = 0;
  const ByteSink tar_sink = [&](std::string_view bytes) -> Result<void> {
    tar_hash.update(bytes);
    tar_size += bytes.size();
    return (*compressor)->write(bytes);
  };
  if (auto ok = write_tar(tree, options.tar, tar_sink); !ok) {
    return std::unexpected(ok.error().context("writing layer"));
  }
  if (auto ok = (*compressor)->finish(); !ok) {
    return std::unexpected(ok.error().context("writing layer"));
  }
  auto stored = blob->commit();
  if (!stored) {
    return std::unexpected(stored.error());
  }
  LayerBlob layer;
  layer.digest = stored->digest;
  layer.size = stored->size;
  layer.path = stored->path;
  layer.diff_id = "sha256:" + tar_hash.hex_digest();
  layer.tar_size = tar_size;
  layer.media_type = std::string(layer_media_type(options.compression));
  return layer;
}

Result<std::vector<LayerBlob>> write_layers(std::span<const fs::Tree* const> trees,
                                            const std::filesystem::path& blob_root,
                                            const LayerOptions& options, unsigned threads) {
  std::vector<std::optional<Result<LayerBlob>>> results(trees.size());
  // A failure stops new work.
  support::parallel_for(trees.size(), threads, [&](std::size_t i) {
    results[i] = write_layer(*trees[i], blob_root, options);
    return results[i]->has_value();
  });
  std::vector<LayerBlob> out;
  out.reserve(trees.size());
  for (auto& result : results) {
    if (!result) {
      continue; // skipped after a failure; the failure is reported below
    }
    if (!*result) {
      return std::unexpected(result->error());
    }
    out.push_back(std::move(**result));
  }
  return out;
}

} // namespace distill::backend::layer
