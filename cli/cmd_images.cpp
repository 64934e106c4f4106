#include "cli/commands.hpp"

#include "backend/build/build_options.hpp"
#include "backend/oci/layout.hpp"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

namespace distill::cli {

namespace {

std::string human_size(std::uint64_t bytes) {
  if (bytes >= 1000ULL * 1000 * 1000) {
    return fmt::format("{:.1f}GB", static_cast<double>(bytes) / 1e9);
  }
  if (bytes >= 1000ULL * 1000) {
    return fmt::format("{:.1f}MB", static_cast<double>(bytes) / 1e6);
  }
  return fmt::format("{:.1f}kB", static_cast<double>(bytes) / 1e3);
}

} // namespace

// distill images: the tags of the local store (an OCI layout), like `docker images`.
int run_images(const Args& args) {
  for (const auto& arg : args) {
    if (arg == "-h" || arg == "--help") {
      fmt::print("usage: distill images\n\nLists the images in the local store ({}).\n",
                 backend::build::default_store_dir().string());
      return 0;
    }
    fmt::print(stderr, "distill images: unexpected argument '{}'\n", arg);
    return 2;
  }
  const auto store = backend::build::default_store_dir();
  std::error_code ec;
  if (!std::filesystem::exists(store / "index.json", ec)) {
    fmt::print("REPOSITORY:TAG  DIGEST  SIZE\n");
    return 0;
  }
  auto index = backend::oci::read_index(store);
  if (!index) {
    fmt::print(stderr, "distill images: {}\n", index.error().message);
    return 1;
  }
  fmt::print("{:<40} {:<20} {:>10}\n", "REPOSITORY:TAG", "DIGEST", "SIZE");
  for (const auto& entry : index->manifests) {
    auto name = entry.annotations.find("org.opencontainers.image.ref.name");
    if (name == entry.annotations.end()) {
      continue; // untagged artifacts (SBOMs)
    }
    auto image = backend::oci::read_image(store, name->second);
    std::uint64_t size = entry.size;
    if (image) {
      size += image->manifest.config.size;
      for (const auto& layer : image->manifest.layers) {
        size += layer.size;
      }
    }
    fmt::print("{:<40} {:<20} {:>10}\n", name->second, entry.digest.substr(0, 19), human_size(size));
  }
  return 0;
}

} // namespace distill::cli
