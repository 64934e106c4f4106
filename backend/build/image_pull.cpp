#include "backend/build/image_pull.hpp"

#include "backend/layer/layer_reader.hpp"
#include "backend/registry/platform.hpp"
#include "backend/registry/reference.hpp"

#include <fmt/format.h>

namespace distill::backend::build {

support::Result<registry::PulledImage> pull_base_image(const ImagePullRequest& request, const fetch::Cache& cache) {
  auto ref = registry::parse_reference(request.reference);
  if (!ref) {
    return std::unexpected(ref.error());
  }
  auto platform = registry::parse_platform(request.platform);
  if (!platform) {
    return std::unexpected(platform.error());
  }
  const std::string pinned = !request.pinned_digest.empty() ? request.pinned_digest : ref->digest;
  if (request.log) {
    request.log(fmt::format("pull {}{}", registry::to_string(*ref), pinned.empty() ? "" : " (" + pinned + ")"));
  }
  return registry::pull_image(*ref, *platform, cache, request.client, pinned, request.log);
}

support::Result<fs::Tree> stack_layers(const registry::PulledImage& image) {
  fs::Tree rootfs;
  for (std::size_t i = 0; i < image.layer_files.size() && i < image.manifest.layers.size(); ++i) {
    const auto& digest = image.manifest.layers[i].digest;
    auto tree = layer::read_layer(image.layer_files[i]);
    if (!tree) {
      return std::unexpected(tree.error().context(fmt::format("reading layer {}", digest)));
    }
    if (auto applied = fs::apply_layer(rootfs, *tree); !applied) {
      return std::unexpected(applied.error().context(fmt::format("stacking layer {}", digest)));
    }
  }
  return rootfs;
}

} // namespace distill::backend::build
