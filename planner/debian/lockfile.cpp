#include "planner/debian/lockfile.hpp"

#include "support/sha256.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace distill::planner::debian {
namespace {

using Json = nlohmann::ordered_json;

// ---- writing ---------------------------------------------------------------

Json package_json(const LockedPackage& p) {
  Json j;
  j["name"] = p.name;
  j["version"] = p.version;
  j["architecture"] = p.architecture;
  j["suite"] = p.suite;
  j["filename"] = p.filename;
  j["size"] = p.size;
  j["sha256"] = p.sha256;
  j["source"] = p.source;
  j["sourceVersion"] = p.source_version;
  j["reason"] = to_string(p.reason);
  if (p.reason == LockReason::dependency) {
    j["parent"] = p.parent;
    j["relation"] = p.relation;
  } else if (p.reason == LockReason::rule) {
    j["rule"] = p.relation;
  }
  return j;
}

Json packages_json(const std::vector<LockedPackage>& packages) {
  Json out = Json::array();
  for (const LockedPackage& p : packages) {
    out.push_back(package_json(p));
  }
  return out;
}

Json indexes_json(const std::vector<LockedIndex>& list) {
  Json indexes = Json::array();
  for (const LockedIndex& i : list) {
    indexes.push_back(Json{{"archive", i.archive},     {"suite", i.suite}, {"component", i.component},
                           {"architecture", i.architecture}, {"path", i.path},   {"sha256", i.sha256}});
  }
  return indexes;
}

Json base_json(const LockedBase& b) {
  Json j;
  j["kind"] = to_string(b.kind);
  j["platform"] = b.platform;
  switch (b.kind) {
  case BaseKind::scratch:
    break;
  case BaseKind::distro: {
    j["distro"] = b.distro;
    j["suite"] = b.suite;
    j["snapshot"] = b.snapshot;
    j["indexes"] = indexes_json(b.indexes);
    j["packages"] = packages_json(b.packages);
    break;
  }
  case BaseKind::image:
  case BaseKind::layout:
    j["reference"] = b.reference;
    j["digest"] = b.digest;
    if (b.kind == BaseKind::image && !b.suite.empty()) {
      // apt-get install on the image: the release its /etc/os-release named.
      j["distro"] = b.distro;
      j["suite"] = b.suite;
      j["indexes"] = indexes_json(b.indexes);
    }
    break;
  case BaseKind::stage:
    j["stage"] = b.stage;
    break;
  }
  return j;
}

bool package_less(const LockedPackage& a, const LockedPackage& b) {
  return std::tie(a.name, a.architecture, a.version) < std::tie(b.name, b.architecture, b.version);
}

} // namespace

std::string_view to_string(BaseKind kind) {
  switch (kind) {
  case BaseKind::scratch:
    return "scratch";
  case BaseKind::distro:
    return "distro";
  case BaseKind::image:
    return "image";
  case BaseKind::stage:
    return "stage";
  case BaseKind::layout:
    return "layout";
  }
  return "scratch";
}

std::string_view to_string(LockReason reason) {
  switch (reason) {
  case LockReason::requested:
    return "requested";
  case LockReason::dependency:
    return "dependency";
  case LockReason::rule:
    return "rule";
  }
  return "requested";
}

void canonicalize(Lockfile& lock) {
  for (LockedStage& stage : lock.stages) {
    std::sort(stage.base.packages.begin(), stage.base.packages.end(), package_less);
    std::sort(stage.base.indexes.begin(), stage.base.indexes.end(), [](const LockedIndex& a, const LockedIndex& b) {
      return std::tie(a.archive, a.suite, a.component, a.architecture, a.path) <
             std::tie(b.archive, b.suite, b.component, b.architecture, b.path);
    });
    for (LockedInstall& install : stage.installs) {
      std::sort(install.packages.begin(), install.packages.end(), package_less);
    }
  }
}

std::string to_json(const Lockfile& input) {
  Lockfile lock = input;
  canonicalize(lock);
  Json j;
  j["lockfileVersion"] = lock.version;
  j["inputsHash"] = lock.inputs_hash;
  Json stages = Json::array();
  for (const LockedStage& stage : lock.stages) {
    Json s;
    s["name"] = stage.name;
    s["index"] = stage.index;
    s["base"] = base_json(stage.base);
    Json installs = Json::array();
    for (const LockedInstall& install : stage.installs) {
      Json i;
      i["requests"] = install.requests;
      i["recommends"] = install.recommends;
      i["packages"] = packages_json(install.packages);
      installs.push_back(std::move(i));
    }
    s["installs"] = std::move(installs);
    stages.push_back(std::move(s));
  }
  j["stages"] = std::move(stages);
  return j.dump(2) + "\n";
}

LockedPackage lock_package(const Package& package, const Reason& reason, std::string_view suite) {
  LockedPackage p;
  p.name = std::string(package.name);
  p.version = std::string(package.version);
  p.architecture = std::string(package.architecture);
  p.suite = std::string(suite);
  p.filename = std::string(package.filename);
  p.size = package.size;
  p.sha256 = std::string(package.sha256);
  p.source = std::string(package.source);
  p.source_version = std::string(package.source_version);
  if (reason.requested) {
    p.reason = LockReason::requested;
  } else if (reason.parent.empty()) {
    p.reason = LockReason::rule;
    p.relation = reason.relation;
  } else {
    p.reason = LockReason::dependency;
    p.parent = reason.parent;
    p.relation = reason.relation;
  }
  return p;
}

std::string inputs_hash(const std::map<std::string, std::string>& inputs) {
  support::Sha256 hash;
  for (const auto& [key, value] : inputs) {
    // Length-prefixed, so no choice of names and values can collide.
    hash.update(fmt::format("{}:{}\n{}:", key.size(), key, value.size()));
    hash.update(value);
    hash.update("\n");
  }
  return "sha256:" + hash.hex_digest();
}

} // namespace distill::planner::debian
