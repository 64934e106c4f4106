#include "backend/build/lockfile_io.hpp"

#include "backend/build/minimal_profile.hpp"

#include <fmt/format.h>

namespace distill::backend::build {

namespace debian = planner::debian;

namespace {

debian::LockedPackage to_locked(const LockedPackage& package) {
  debian::LockedPackage out;
  out.name = package.name;
  out.version = package.version;
  out.architecture = package.arch;
  out.suite = package.suite;
  out.filename = package.filename;
  out.size = package.size;
  out.sha256 = package.sha256;
  out.source = package.source;
  out.source_version = package.source_version;
  const std::string& reason = package.reason;
  if (reason == "requested") {
    out.reason = debian::LockReason::requested;
  } else if (reason.starts_with("rule")) {
    out.reason = debian::LockReason::rule;
    out.relation = reason.size() > 6 ? reason.substr(6) : reason;
  } else {
    // "dependency of PARENT via 'RELATION'"
    out.reason = debian::LockReason::dependency;
    const auto of = reason.find("of ");
    const auto via = reason.find(" via '");
    if (of != std::string::npos && via != std::string::npos) {
      out.parent = reason.substr(of + 3, via - of - 3);
      out.relation = reason.substr(via + 6, reason.size() - via - 7);
    }
  }
  return out;
}

LockedPackage from_locked(const debian::LockedPackage& package, const std::vector<debian::LockedIndex>& indexes) {
  LockedPackage out;
  out.name = package.name;
  out.version = package.version;
  out.arch = package.architecture;
  out.suite = package.suite;
  out.filename = package.filename;
  out.size = package.size;
  out.sha256 = package.sha256;
  out.source = package.source;
  out.source_version = package.source_version;
  for (const auto& index : indexes) {
    if (index.suite == package.suite) {
      out.archive_uri = index.archive;
      break;
    }
  }
  if (out.archive_uri.empty() && !indexes.empty()) {
    out.archive_uri = indexes.front().archive;
  }
  return out;
}

std::string request_text(const planner::PackageRequest& request) {
  std::string text = request.name;
  if (!request.arch.empty()) {
    text += ":" + request.arch;
  }
  if (!request.version.empty()) {
    text += "=" + request.version;
  }
  if (!request.suite.empty()) {
    text += "/" + request.suite;
  }
  return text;
}

std::vector<const planner::InstallPackages*> installs_of(const planner::Stage& stage) {
  std::vector<const planner::InstallPackages*> installs;
  for (const auto& step : stage.steps) {
    if (const auto* install = std::get_if<planner::InstallPackages>(&step.op)) {
      installs.push_back(install);
    }
  }
  return installs;
}

} // namespace

debian::Lockfile to_lockfile(const planner::Plan& plan, const PlanLock& lock, const std::string& inputs_hash) {
  debian::Lockfile out;
  out.inputs_hash = inputs_hash;
  for (const auto& stage : plan.stages) {
    debian::LockedStage locked;
    locked.name = stage.name;
    locked.index = stage.index;
    locked.base.platform = stage.base.platform;
    if (const auto* distro = std::get_if<planner::DistroBase>(&stage.base.kind)) {
      locked.base.kind = debian::BaseKind::distro;
      locked.base.distro = distro->distro;
      locked.base.suite = distro->suite;
      locked.base.reference = distro->reference;
    } else if (const auto* image = std::get_if<planner::ImageBase>(&stage.base.kind)) {
      locked.base.kind = debian::BaseKind::image;
      locked.base.reference = image->reference;
      locked.base.digest = image->digest;
      if (auto pulled = lock.stages.find(stage.index); pulled != lock.stages.end()) {
        if (!pulled->second.image_digest.empty()) {
          locked.base.digest = pulled->second.image_digest; // what the tag named when locked
        }
        if (pulled->second.on_image) {
          // Installs on the image: the release its os-release named, for the indexes.
          locked.base.distro = pulled->second.distro;
          locked.base.suite = pulled->second.suite;
        }
      }
    } else if (const auto* earlier = std::get_if<planner::StageBase>(&stage.base.kind)) {
      locked.base.kind = debian::BaseKind::stage;
      const auto& from = plan.stages.at(static_cast<std::size_t>(earlier->stage));
      locked.base.stage = from.name.empty() ? std::to_string(from.index) : from.name;
    } else if (const auto* layout = std::get_if<planner::LayoutBase>(&stage.base.kind)) {
      locked.base.kind = debian::BaseKind::layout;
      locked.base.reference = layout->path;
    }
    auto packages = lock.stages.find(stage.index);
    if (packages != lock.stages.end()) {
      const bool image_release = locked.base.kind == debian::BaseKind::image && !locked.base.suite.empty();
      if (image_release) {
        if (auto indexes = lock.indexes.find(stage.index); indexes != lock.indexes.end()) {
          locked.base.indexes = indexes->second;
        }
      }
      if (locked.base.kind == debian::BaseKind::distro) {
        if (auto indexes = lock.indexes.find(stage.index); indexes != lock.indexes.end()) {
          locked.base.indexes = indexes->second;
        }
        for (const auto& package : packages->second.base) {
          locked.base.packages.push_back(to_locked(package));
        }
      }
      const auto installs = installs_of(stage);
      const auto expanded = lock.expanded.find(stage.index);
      for (std::size_t i = 0; i < installs.size() && i < packages->second.installs.size(); ++i) {
        debian::LockedInstall install;
        // Package words that read the base image's Env are recorded as what they expanded to.
        const std::vector<planner::PackageRequest>* requests = &installs[i]->packages;
        if (expanded != lock.expanded.end()) {
          if (auto it = expanded->second.find(i); it != expanded->second.end()) requests = &it->second;
        }
        for (const auto& request : *requests) {
          install.requests.push_back(request_text(request));
        }
        install.recommends = installs[i]->recommends;
        for (const auto& package : packages->second.installs[i]) {
          install.packages.push_back(to_locked(package));
        }
        locked.installs.push_back(std::move(install));
      }
    }
    out.stages.push_back(std::move(locked));
  }
  debian::canonicalize(out);
  return out;
}

support::Result<PlanLock> from_lockfile(const planner::Plan& plan, const debian::Lockfile& lockfile, bool minimal) {
  PlanLock lock;
  std::map<int, std::vector<debian::LockedIndex>> stage_indexes;
  std::map<int, std::pair<std::string, std::string>> image_releases; // pulled stages with installs: distro, suite
  for (const auto& stage : plan.stages) {
    const debian::LockedStage* locked = nullptr;
    for (const auto& each : lockfile.stages) {
      if (each.index == stage.index) {
        locked = &each;
      }
    }
    if (locked == nullptr) {
      return support::fail("distill.lock has no stage {}: the lock is stale (run 'distill lock')", stage.index);
    }
    const auto installs = installs_of(stage);
    if (locked->installs.size() != installs.size()) {
      return support::fail("distill.lock stage {} has {} install steps, the Dockerfile {}: the lock is stale",
                           stage.index, locked->installs.size(), installs.size());
    }
    // The indexes of the stage's distro base, following FROM <stage>.
    std::vector<debian::LockedIndex> indexes = locked->base.indexes;
    const planner::Stage* current = &stage;
    while (const auto* earlier = std::get_if<planner::StageBase>(&current->base.kind)) {
      current = &plan.stages.at(static_cast<std::size_t>(earlier->stage));
      if (auto it = stage_indexes.find(current->index); it != stage_indexes.end()) {
        indexes = it->second;
      }
    }
    stage_indexes[stage.index] = indexes;
    const auto* distro = std::get_if<planner::DistroBase>(&current->base.kind);
    const bool image = std::holds_alternative<planner::ImageBase>(stage.base.kind);
    if (distro == nullptr && installs.empty() && !image) {
      continue;
    }
    StagePackages packages;
    if (distro != nullptr) {
      packages.distro = distro->distro;
      packages.suite = distro->suite;
      packages.version = distro->version;
      packages.slim = distro->slim;
    } else if (auto it = image_releases.find(current->index); it != image_releases.end()) {
      packages.distro = it->second.first;
      packages.suite = it->second.second;
      packages.on_image = true;
    }
    if (image) {
      if (locked->base.kind != debian::BaseKind::image) {
        return support::fail("distill.lock stage {} is not on a registry image: the lock is stale (run 'distill "
                             "lock')",
                             stage.index);
      }
      packages.image_digest = locked->base.digest;
      if (!locked->base.suite.empty()) {
        image_releases[stage.index] = {locked->base.distro, locked->base.suite};
        packages.distro = locked->base.distro;
        packages.suite = locked->base.suite;
        packages.on_image = true;
      } else if (!installs.empty()) {
        return support::fail("distill.lock stage {} installs packages on {} but names no release: the lock is "
                             "stale (run 'distill lock')",
                             stage.index, locked->base.reference);
      }
    }
    packages.mirror_uri = indexes.empty() ? std::string() : indexes.front().archive;
    for (const auto& package : locked->base.packages) {
      packages.base.push_back(from_locked(package, indexes));
    }
    packages.minimal = builds_minimal(stage, minimal) && !packages.on_image;
    for (const auto& install : locked->installs) {
      std::vector<LockedPackage> list;
      for (const auto& package : install.packages) {
        list.push_back(from_locked(package, indexes));
      }
      packages.installs.push_back(std::move(list));
    }
    lock.stages[stage.index] = std::move(packages);
    lock.indexes[stage.index] = indexes;
  }
  return lock;
}

} // namespace distill::backend::build
