#include "cli/build_outputs.hpp"

#include "backend/oci/archive_export.hpp"
#include "backend/oci/layout.hpp"
#include "support/atomic_file.hpp"

#include <cstdio>

#include <cctype>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace distill::cli {

namespace stdfs = std::filesystem;
using backend::build::OutputType;

namespace {

// "app" -> "app:latest", as docker names a tag without one.
std::string full_tag(const std::string& tag) {
  const auto slash = tag.rfind('/');
  const auto colon = tag.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) {
    return tag + ":latest";
  }
  return tag;
}

// Copies the blobs of one image from the store into another layout.
support::Result<void> write_oci_dir(const stdfs::path& store, const stdfs::path& dest,
                                    const backend::oci::WrittenImage& image,
                                    const backend::build::BuiltStage& built, const std::vector<std::string>& tags) {
  if (auto made = backend::oci::init_layout(dest); !made) {
    return made;
  }
  std::vector<std::string> digests{image.manifest.digest, image.config.digest};
  for (const auto& layer : built.layers) {
    digests.push_back(layer.blob.digest);
  }
  for (const auto& digest : digests) {
    const auto hex = digest.substr(7);
    const auto from = backend::oci::blobs_dir(store) / "sha256" / hex;
    const auto to = backend::oci::blobs_dir(dest) / "sha256" / hex;
    std::error_code ec;
    if (stdfs::exists(to, ec)) {
      continue;
    }
    stdfs::create_directories(to.parent_path(), ec);
    const auto temp = stdfs::path(to.string() + ".tmp");
    stdfs::copy_file(from, temp, stdfs::copy_options::overwrite_existing, ec);
    if (!ec) {
      stdfs::rename(temp, to, ec);
    }
    if (ec) {
      return support::fail("copying blob {} to {}: {}", digest, dest.string(), ec.message());
    }
  }
  return backend::oci::add_to_index(dest, image.manifest, tags);
}

std::uint64_t image_size(const backend::oci::WrittenImage& image, const backend::build::BuiltStage& built) {
  std::uint64_t size = image.manifest.size + image.config.size;
  for (const auto& layer : built.layers) {
    size += layer.blob.size;
  }
  return size;
}

} // namespace

support::Result<void> write_outputs(const backend::build::BuildOptions& options, const stdfs::path& layout,
                                    const backend::oci::WrittenImage& image,
                                    const backend::build::BuiltStage& built) {
  std::vector<std::string> tags;
  for (const auto& tag : options.tags) {
    tags.push_back(full_tag(tag));
  }
  // Exports name images by tag; an untagged build is tagged by its digest.
  std::vector<std::string> store_tags = tags;
  if (store_tags.empty()) {
    store_tags.push_back("distill-untagged:" + image.manifest.digest.substr(7, 12));
  }
  if (auto added = backend::oci::add_to_index(layout, image.manifest, store_tags); !added) {
    return added;
  }
  const std::int64_t mtime = 0;
  for (const auto& output : options.outputs) {
    support::Result<void> done;
    switch (output.type) {
    case OutputType::store:
      break;
    case OutputType::oci:
      done = write_oci_dir(layout, output.dest, image, built, store_tags);
      break;
    case OutputType::oci_archive:
      done = backend::oci::write_oci_archive(layout, store_tags, output.dest, mtime);
      break;
    case OutputType::docker_archive:
      done = backend::oci::write_docker_archive(layout, store_tags.front(), tags, output.dest, mtime);
      break;
    case OutputType::local:
      done = support::fail("-o type=local (a rootfs directory) is not supported yet");
      break;
    case OutputType::image:
      done = support::fail("-o type=image,push=true needs the registry client, which is not supported yet");
      break;
    }
    if (!done) {
      return done;
    }
  }
  if (options.push) {
    return support::fail("--push needs the registry client, which is not supported yet; the image is in the "
                         "local store");
  }
  if (!options.iidfile.empty()) {
    if (auto written = support::write_file_atomic(options.iidfile, image.manifest.digest); !written) {
      return written;
    }
  }
  if (!options.metadata_file.empty()) {
    nlohmann::json metadata{{"containerimage.digest", image.manifest.digest},
                            {"containerimage.config.digest", image.config.digest},
                            {"image.name", nlohmann::json(tags)}};
    if (auto written = support::write_file_atomic(options.metadata_file, metadata.dump(2) + "\n"); !written) {
      return written;
    }
  }
  const auto size = image_size(image, built);
  fmt::print("{}\n", image.manifest.digest);
  fmt::print(stderr, "built {} ({} layers, {:.1f} MB compressed)\n", store_tags.front(), built.layers.size(),
             static_cast<double>(size) / 1e6);
  fmt::print(stderr, "run it with: {}\n", run_hint(layout, store_tags.front()));
  return {};
}

namespace {

// podman names an image read from oci:PATH after PATH, so PATH must be a valid
// repository name (lower case, no component starting with a dot, as in the
// default store under ~/.local). Otherwise the image goes through podman's own
// storage first.
bool podman_accepts_path(const std::string& path) {
  std::string_view rest = path;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    if (!part.empty()) {
      if (!std::isalnum(static_cast<unsigned char>(part.front())) ||
          !std::isalnum(static_cast<unsigned char>(part.back()))) {
        return false;
      }
      for (const char c : part) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) {
          return false;
        }
      }
    }
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  }
  return true;
}

} // namespace

std::string run_hint(const std::filesystem::path& layout, const std::string& tag) {
  if (podman_accepts_path(layout.string())) {
    return fmt::format("podman run --rm oci:{}:{}", layout.string(), tag);
  }
  const std::string name = tag.find('/') == std::string::npos ? "localhost/" + tag : tag;
  return fmt::format("skopeo copy oci:{}:{} containers-storage:{} && podman run --rm {}", layout.string(), tag, name,
                     name);
}

} // namespace distill::cli
