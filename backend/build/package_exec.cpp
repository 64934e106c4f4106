#include "backend/build/package_exec.hpp"

#include "backend/base/base_image.hpp"
#include "backend/build/image_merge.hpp"

#include <set>

#include <fmt/format.h>

namespace distill::backend::build {

bool merged_usr(const StagePackages& stage) {
  // Releases before the /usr merge keep /bin and /lib as directories.
  static const std::set<std::string> unmerged{"stretch", "buster", "bullseye", "bionic", "focal"};
  return !unmerged.contains(stage.suite);
}

support::Result<PackageLayers> package_layers(const PackageStep& step) {
  const StagePackages& stage = *step.stage;
  if (stage.on_image && step.image == nullptr) {
    return support::fail("installing packages on a pulled image needs that image's filesystem");
  }
  base::BaseOptions options;
  options.distro = stage.distro.empty() ? "debian" : stage.distro;
  options.suite = stage.suite;
  // A pulled image has a real dpkg database; the new packages join it.
  options.compat = !stage.minimal || stage.on_image;
  options.slim = stage.slim;
  options.merged_usr = merged_usr(stage);
  options.epoch = step.epoch;
  options.sources.mirror = stage.mirror_uri;
  options.sources.suite = stage.suite;
  options.spool_dir = step.spool_dir;
  options.accounts.users = step.users;
  options.accounts.groups = step.groups;
  std::set<std::string> new_names;
  std::vector<base::BasePackage> all;
  for (const auto& package : step.installed) {
    all.push_back({package.name, package.version, package.arch, package.deb});
  }
  for (const auto& package : step.added) {
    all.push_back({package.name, package.version, package.arch, package.deb});
    new_names.insert(package.name);
  }
  auto built = base::build_base_layers(all, options);
  if (!built) {
    return std::unexpected(built.error());
  }
  PackageLayers out;
  for (auto& layer : built->layers) {
    // Only the layers that hold something new; a group mixing old and new
    // packages is taken whole (its old files are identical, so harmless).
    bool has_new = step.base;
    for (const auto& name : layer.packages) {
      has_new = has_new || new_names.contains(name);
    }
    if (!has_new) {
      continue;
    }
    std::string label;
    for (const auto& name : layer.packages) {
      label += (label.empty() ? "" : " ") + name;
    }
    out.packages.emplace_back(std::move(label), std::move(layer.tree));
  }
  out.generated = std::move(built->generated);
  for (const auto& finding : built->findings) {
    out.unmodelled.push_back(fmt::format("{}: {}", finding.package, finding.what));
  }
  if (stage.on_image) {
    if (auto fitted = fit_generated_to_image(out.generated, *step.image, step.epoch, out.unmodelled); !fitted) {
      return std::unexpected(fitted.error());
    }
  }
  return out;
}

} // namespace distill::backend::build
