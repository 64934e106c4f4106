#include "cli/build_outputs.hpp"

#include "backend/build/image_sbom.hpp"
#include "backend/build/layer_cache.hpp"
#include "backend/build/layer_skeleton.hpp"
#include "backend/oci/archive_export.hpp"
#include "backend/oci/image_copy.hpp"
#include "backend/oci/layout.hpp"
#include "backend/oci/rootfs_export.hpp"
#include "backend/sbom/sbom_artifact.hpp"
#include "support/atomic_file.hpp"

#include <cctype>
#include <cstdio>
#include <string_view>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace distill::cli {

namespace stdfs = std::filesystem;
using backend::build::OutputType;

namespace {

std::uint64_t image_size(const backend::oci::WrittenImage& image, const backend::build::BuiltStage& built) {
  std::uint64_t size = image.manifest.size + image.config.size;
  for (const auto& layer : built.layers) {
    size += layer.blob.size;
  }
  return size;
}

// -o type=local: the image's files in a directory. Owners are set only when
// this process may (as root), as `docker build -o type=local` does.
// The built tree is written as it is: reading the image back from the store
// would only unpack the same layers again.
support::Result<void> export_local(const backend::fs::Tree& tree, const stdfs::path& dest) {
  backend::oci::RootfsOptions rootfs;
  rootfs.chown = ::geteuid() == 0;
  rootfs.devices = ::geteuid() == 0;
  auto report = backend::oci::export_rootfs(tree, dest, rootfs);
  if (!report) {
    return std::unexpected(report.error());
  }
  for (const auto& skipped : report->skipped) {
    fmt::print(stderr, "note: -o type=local: {}\n", skipped);
  }
  return {};
}

// The key of the SBOM facts of `built`: the layers that may change what
// they are read from (by their trees, or their skeletons when the files are
// not loaded) and the locked packages; nothing when a layer's shape is unknown.
std::optional<std::string> sbom_facts_key(const backend::build::BuildOptions& options,
                                          const backend::build::BuiltStage& built) {
  backend::build::CacheKey key("sbom-facts");
  for (std::size_t i = 0; i < built.layers.size(); ++i) {
    const auto& digest = built.layers[i].blob.digest;
    std::optional<backend::fs::Tree> skeleton;
    const backend::fs::Tree* tree = built.layer_trees[i].get();
    if (tree == nullptr) {
      skeleton = backend::build::load_skeleton(options.cache_dir, digest);
      if (!skeleton) {
        return std::nullopt;
      }
      tree = &*skeleton;
    }
    if (backend::build::touches_sbom_facts(*tree)) {
      key.add(digest);
    }
  }
  for (const auto& package : built.packages) {
    key.add(package.name);
  }
  return key.hex();
}

// The SPDX text of the image. The same image, name and time give the same
// document, and the facts it is made of change only with the layers that
// hold them: both are kept in the cache, so a build that changed only its
// own files does not read the image's files for its SBOM.
support::Result<std::string> sbom_text(const backend::build::BuildOptions& options,
                                       const backend::oci::WrittenImage& image,
                                       const backend::build::BuiltStage& built, const std::string& name,
                                       std::int64_t epoch, const RootfsLoader& rootfs) {
  backend::build::CacheKey key("sbom");
  key.add(image.manifest.digest).add(name).add(epoch);
  for (const auto& package : built.packages) {
    key.add(package.name).add(package.version).add(package.arch).add(package.sha256).add(package.source);
  }
  const std::string hex = key.hex();
  if (!options.no_cache) {
    if (auto cached = backend::build::find_derived(options.cache_dir, hex)) {
      return std::move(*cached);
    }
  }
  const auto facts_key = sbom_facts_key(options, built);
  std::optional<backend::build::SbomFacts> facts;
  if (facts_key && !options.no_cache) {
    if (auto text = backend::build::find_derived(options.cache_dir, *facts_key)) {
      facts = backend::build::parse_sbom_facts(*text);
    }
  }
  if (!facts) {
    auto files = rootfs();
    if (!files) {
      return std::unexpected(files.error());
    }
    facts = backend::build::sbom_facts(**files, built.packages);
    if (facts_key) {
      (void)backend::build::store_derived(options.cache_dir, *facts_key, backend::build::sbom_facts_json(*facts));
    }
  }
  const auto document = backend::build::image_sbom(built, *facts, name, image.manifest.digest, epoch);
  std::string spdx = backend::sbom::spdx_json(document);
  (void)backend::build::store_derived(options.cache_dir, hex, spdx); // a miss next time at worst
  return spdx;
}

} // namespace

std::string store_tag(const std::string& name) {
  const auto slash = name.rfind('/');
  const auto colon = name.rfind(':');
  if (name.find('@') != std::string::npos ||
      (colon != std::string::npos && (slash == std::string::npos || colon > slash))) {
    return name;
  }
  return name + ":latest";
}

support::Result<void> write_outputs(const backend::build::BuildOptions& options, const stdfs::path& layout,
                                    const backend::oci::WrittenImage& image,
                                    const backend::build::BuiltStage& built, const RootfsLoader& rootfs) {
  std::vector<std::string> tags;
  for (const auto& tag : options.tags) {
    tags.push_back(store_tag(tag));
  }
  // Exports name images by tag; an untagged build is tagged by its digest.
  std::vector<std::string> store_tags = tags;
  if (store_tags.empty()) {
    store_tags.push_back("distill-untagged:" + image.manifest.digest.substr(7, 12));
  }
  if (auto added = backend::oci::add_to_index(layout, image.manifest, store_tags); !added) {
    return added;
  }
  const std::int64_t epoch = options.source_date_epoch.value_or(0);
  // The SBOM travels with the image: attached in the store (and so in every
  // layout or archive export of it) and, with --sbom, written to a file.
  auto spdx_text = sbom_text(options, image, built, store_tags.front(), epoch, rootfs);
  if (!spdx_text) {
    return std::unexpected(spdx_text.error());
  }
  const std::string& spdx = *spdx_text;
  if (auto attached = backend::sbom::attach_sbom(layout, image.manifest, spdx, epoch); !attached) {
    return std::unexpected(attached.error());
  }
  if (!options.sbom_file.empty()) {
    if (auto written = backend::sbom::write_sbom_file(options.sbom_file, spdx); !written) {
      return written;
    }
  }
  const std::int64_t mtime = 0;
  for (const auto& output : options.outputs) {
    support::Result<void> done;
    switch (output.type) {
    case OutputType::store:
      break;
    case OutputType::oci:
      if (auto copied = backend::oci::copy_image(layout, store_tags.front(), output.dest, store_tags); !copied) {
        done = std::unexpected(copied.error());
      }
      break;
    case OutputType::oci_archive:
      done = backend::oci::write_oci_archive(layout, store_tags, output.dest, mtime);
      break;
    case OutputType::docker_archive:
      done = backend::oci::write_docker_archive(layout, store_tags.front(), tags, output.dest, mtime);
      break;
    case OutputType::local:
      if (auto files = rootfs(); !files) {
        done = std::unexpected(files.error());
      } else {
        done = export_local(**files, output.dest);
      }
      break;
    case OutputType::image:
      break; // pushed by the caller once the local outputs are written

    }
    if (!done) {
      return done;
    }
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
