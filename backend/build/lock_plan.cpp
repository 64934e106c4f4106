#include "backend/build/lock_plan.hpp"

#include "backend/archive/debs.hpp"
#include "backend/archive/suite.hpp"
#include "backend/build/base_packages.hpp"
#include "backend/build/image_distro.hpp"
#include "backend/build/image_pull.hpp"
#include "backend/build/minimal_profile.hpp"
#include "planner/debian/package_index.hpp"
#include "planner/debian/resolver.hpp"
#include "planner/debian/status.hpp"
#include "planner/debian/version.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>

namespace distill::backend::build {

namespace {

// Errors about a stage's base point at its FROM line (unless they already point somewhere).
support::Error at_from(support::Error error, const planner::Stage& stage) {
  if (!error.where) {
    const auto& where = stage.base.where.empty() ? stage.where : stage.base.where;
    if (!where.empty()) {
      error.where = where.front();
    }
  }
  return error;
}

} // namespace

namespace debian = planner::debian;

namespace {

struct LoadedRelease {
  std::vector<archive::LoadedSuite> suites;
  debian::PackageIndex index;
};

LockedPackage locked(const debian::PackageIndex& index, const debian::Package& package, std::string reason) {
  LockedPackage out;
  const auto id = static_cast<debian::PackageId>(&package - index.packages().data());
  const auto origins = index.origins_of(id);
  if (!origins.empty()) {
    const auto& origin = index.origin(origins.front());
    out.archive_uri = origin.archive_uri;
    out.suite = origin.codename.empty() ? origin.suite : origin.codename;
  }
  out.reason = std::move(reason);
  out.source_version = package.source_version.empty() ? std::string(package.version)
                                                      : std::string(package.source_version);
  out.name = package.name;
  out.version = package.version;
  out.arch = package.architecture;
  out.filename = package.filename;
  out.sha256 = package.sha256;
  out.size = package.size;
  out.source = package.source.empty() ? std::string(package.name) : std::string(package.source);
  return out;
}

// The installed set as a dpkg status index, for the resolver.
support::Result<debian::PackageIndex> installed_index(const std::vector<const debian::Package*>& installed) {
  std::string text;
  for (const auto* package : installed) {
    std::string_view stanza = package->stanza;
    while (!stanza.empty() && stanza.back() == '\n') {
      stanza.remove_suffix(1);
    }
    text += stanza;
    // A pulled image's stanzas come from its dpkg status and have one already.
    const bool has_status = stanza.starts_with("Status:") || stanza.find("\nStatus:") != std::string_view::npos;
    text += has_status ? "\n\n" : "\nStatus: install ok installed\n\n";
  }
  return debian::parse_status(std::move(text), "installed set");
}

class Locker {
public:
  explicit Locker(const LockRequest& request) : m_request(request) {}

  support::Result<PlanLock> run() {
    PlanLock lock;
    for (const auto& stage : m_request.plan->stages) {
      auto done = lock_stage(stage, lock);
      if (!done) {
        return std::unexpected(done.error());
      }
    }
    return lock;
  }

private:
  support::Result<LoadedRelease*> release(const std::string& distro, const std::string& suite) {
    const auto key = distro + "/" + suite;
    if (auto it = m_releases.find(key); it != m_releases.end()) {
      return it->second.get();
    }
    auto sources = archive::find_sources(m_request.sources, {distro, suite, m_request.architecture});
    if (!sources) {
      return std::unexpected(sources.error());
    }
    m_request.log(fmt::format("loading {} {} indexes", distro, suite));
    archive::LoadOptions options;
    auto suites = archive::load_suites(*sources, *m_request.fetcher, *m_request.cache, options);
    if (!suites) {
      return std::unexpected(suites.error());
    }
    auto loaded = std::make_unique<LoadedRelease>();
    loaded->suites = std::move(*suites);
    for (const auto& each : loaded->suites) {
      if (auto added = archive::add_to_index(each, loaded->index); !added) {
        return std::unexpected(added.error());
      }
    }
    auto* pointer = loaded.get();
    m_releases[key] = std::move(loaded);
    return pointer;
  }

  // The release a stage's packages come from: its distro base's, or for a
  // pulled image the one its /etc/os-release names.
  struct StageRelease {
    std::string distro;
    std::string suite;
    std::string version;
    std::string reference; // for error context
    bool slim = false;
    bool on_image = false;
  };

  bool has_installs(const planner::Stage& stage) const {
    return std::any_of(stage.steps.begin(), stage.steps.end(), [](const planner::Step& step) {
      return std::holds_alternative<planner::InstallPackages>(step.op);
    });
  }

  // Whether `stage` or a later stage built on it (FROM <stage>) installs
  // packages: only then is a pulled image's dpkg database read.
  bool needs_packages(const planner::Stage& stage) const {
    for (const auto& other : m_request.plan->stages) {
      if (!has_installs(other)) {
        continue;
      }
      const planner::Stage* current = &other;
      for (int hops = 0; hops < 1000; ++hops) {
        if (current->index == stage.index) {
          return true;
        }
        const auto* earlier = std::get_if<planner::StageBase>(&current->base.kind);
        if (earlier == nullptr) {
          break;
        }
        current = &m_request.plan->stages.at(static_cast<std::size_t>(earlier->stage));
      }
    }
    return false;
  }

  // FROM <registry image>: pulled now so its digest is locked, and read when
  // packages are installed on it.
  support::Result<std::optional<StageRelease>> lock_image(const planner::Stage& stage,
                                                          const planner::ImageBase& image, PlanLock& lock) {
    ImagePullRequest pull;
    pull.reference = image.reference;
    pull.pinned_digest = image.digest;
    pull.platform = !stage.base.platform.empty() ? stage.base.platform
                    : !m_request.platform.empty() ? m_request.platform
                                                  : "linux/" + m_request.architecture;
    pull.client = m_request.registry;
    pull.log = m_request.log;
    auto pulled = pull_base_image(pull, *m_request.cache);
    if (!pulled) {
      return std::unexpected(pulled.error());
    }
    StagePackages packages;
    packages.image_digest = pulled->resolved_digest;
    lock.stages[stage.index] = std::move(packages);
    const auto& from = stage.base.where.empty() ? stage.where : stage.base.where;
    m_base_env[stage.index] = {pulled->config.env,
                               from.empty() ? image.reference
                                            : fmt::format("{} (FROM on line {})", image.reference,
                                                          from.front().begin.line)};
    if (!needs_packages(stage)) {
      return std::nullopt;
    }
    auto rootfs = stack_layers(*pulled);
    if (!rootfs) {
      return std::unexpected(rootfs.error().context(fmt::format("FROM {}", image.reference)));
    }
    auto found = read_image_distro(*rootfs, image.reference);
    if (!found) {
      return std::unexpected(found.error());
    }
    m_request.log(fmt::format("{}: {} {}, {} packages installed", image.reference, found->distro, found->suite,
                              found->installed.packages().size()));
    StageRelease release{found->distro, found->suite, found->version, image.reference, false, true};
    auto owned = std::make_unique<debian::PackageIndex>(std::move(found->installed));
    std::vector<const debian::Package*> installed;
    for (const auto& package : owned->packages()) {
      installed.push_back(&package);
    }
    m_image_status.push_back(std::move(owned));
    m_installed[stage.index] = std::move(installed);
    return release;
  }

  support::Result<void> lock_stage(const planner::Stage& stage, PlanLock& lock) {
    std::optional<StageRelease> from;
    if (const auto* distro = std::get_if<planner::DistroBase>(&stage.base.kind)) {
      from = StageRelease{distro->distro, distro->suite, distro->version, distro->reference, distro->slim, false};
    } else if (const auto* image = std::get_if<planner::ImageBase>(&stage.base.kind)) {
      auto pulled = lock_image(stage, *image, lock);
      if (!pulled) {
        return std::unexpected(at_from(pulled.error(), stage));
      }
      from = *pulled;
    } else if (const auto* earlier = std::get_if<planner::StageBase>(&stage.base.kind)) {
      const auto& base = m_request.plan->stages.at(static_cast<std::size_t>(earlier->stage));
      if (auto it = m_releases_of.find(base.index); it != m_releases_of.end()) {
        from = it->second;
      }
      if (auto it = m_base_env.find(base.index); it != m_base_env.end()) {
        m_base_env[stage.index] = it->second; // the Env the RUN steps of the image's stages start from
      }
    }
    if (!from) {
      if (has_installs(stage)) {
        // Scratch and oci-layout bases have no release to install from.
        support::Error error{"apt-get install needs a Debian or Ubuntu base: a distro base (debian:..., "
                             "ubuntu:...), a registry image with /etc/os-release and a dpkg database, or a "
                             "stage built on one",
                             std::nullopt};
        if (!stage.where.empty()) {
          error.where = stage.where.front();
        }
        return std::unexpected(error);
      }
      return {};
    }
    m_releases_of[stage.index] = *from;
    const bool direct = std::holds_alternative<planner::DistroBase>(stage.base.kind);
    const auto* distro = &*from;
    auto loaded = release(distro->distro, distro->suite);
    if (!loaded) {
      return std::unexpected(at_from(loaded.error().context(fmt::format("FROM {}", distro->reference)), stage));
    }
    LoadedRelease& rel = **loaded;
    StagePackages packages;
    if (auto it = lock.stages.find(stage.index); it != lock.stages.end()) {
      packages = std::move(it->second); // the pulled image's digest
    }
    packages.on_image = distro->on_image;
    packages.distro = distro->distro;
    packages.suite = distro->suite;
    packages.version = distro->version;
    packages.slim = distro->slim;
    const bool minimal = builds_minimal(stage, m_request.minimal);
    packages.minimal = minimal && !distro->on_image; // a pulled image keeps what it has
    if (!rel.suites.empty()) {
      packages.mirror_uri = rel.suites.front().source.uri;
    }
    std::vector<SuiteOrigin> origins;
    std::vector<debian::LockedIndex> indexes;
    for (const auto& suite : rel.suites) {
      for (const auto& loaded_index : suite.indexes) {
        indexes.push_back({suite.source.uri, suite.source.suite, loaded_index.component, loaded_index.architecture,
                           "dists/" + suite.source.suite + "/" + loaded_index.path, loaded_index.sha256});
      }
      origins.push_back({distro->distro, suite.source.suite, suite.source.uri, suite.release_sha256,
                         static_cast<std::int64_t>(suite.release.date.value_or(0))});
    }
    // What is installed when the stage starts.
    std::vector<const debian::Package*> installed;
    if (direct) {
      if (minimal) {
        // The shell a shell-form CMD needs is part of the minimal base, and so
        // is what an earlier build found the image's files need.
        planner::InstallPackages shell;
        shell.recommends = false;
        const auto config_packages = minimal_config_packages(stage);
        for (const auto& name : config_packages) {
          shell.packages.push_back({name, "", "", ""});
        }
        if (auto it = m_request.closure_packages.find(stage.index); it != m_request.closure_packages.end()) {
          for (const auto& name : it->second) {
            shell.packages.push_back({name, "", "", ""});
          }
        }
        auto added = resolve_step(shell, rel, installed);
        if (!added) {
          return std::unexpected(at_from(added.error().context(fmt::format("FROM {}", distro->reference)), stage));
        }
        for (const auto& [package, reason] : *added) {
          std::string why = reason;
          if (reason == "requested") {
            why = std::ranges::find(config_packages, package->name) != config_packages.end()
                      ? "rule: a shell-form ENTRYPOINT/CMD/HEALTHCHECK needs /bin/sh"
                      : "rule: --minimal closure (the image's files need it)";
          }
          packages.base.push_back(locked(rel.index, *package, why));
          installed.push_back(package);
        }
      } else {
        auto base = base_package_set(rel.index, distro->distro, distro->suite, m_request.architecture);
        if (!base) {
          return std::unexpected(at_from(base.error().context(fmt::format("FROM {}", distro->reference)), stage));
        }
        installed = *base;
        for (const auto* package : installed) {
          packages.base.push_back(locked(rel.index, *package, "rule: minbase"));
        }
      }
    } else if (const auto* earlier = std::get_if<planner::StageBase>(&stage.base.kind)) {
      installed = m_installed[m_request.plan->stages.at(static_cast<std::size_t>(earlier->stage)).index];
    } else {
      installed = m_installed[stage.index]; // the pulled image's dpkg database
    }
    std::vector<std::vector<std::string>> reasons;
    for (const auto& step : stage.steps) {
      const auto* install = std::get_if<planner::InstallPackages>(&step.op);
      if (install == nullptr) {
        continue;
      }
      planner::InstallPackages expanded;
      const bool reads_base_env = std::any_of(install->packages.begin(), install->packages.end(),
                                              [](const auto& request) { return request.from_base_env.has_value(); });
      if (reads_base_env) {
        if (!m_request.expand_base_env) {
          return support::fail("package words that read the base image's environment cannot be expanded here");
        }
        const auto base = m_base_env.find(stage.index);
        auto requests =
            m_request.expand_base_env(install->packages,
                                      base == m_base_env.end() ? std::vector<std::string>{} : base->second.env,
                                      base == m_base_env.end() ? "the base image" : base->second.image);
        if (!requests) {
          support::Error error = requests.error();
          if (!install->where.empty()) error.where = install->where.front();
          return std::unexpected(error);
        }
        expanded = *install;
        expanded.packages = *requests;
        lock.expanded[stage.index][reasons.size()] = std::move(*requests);
        install = &expanded;
      }
      auto added = resolve_step(*install, rel, installed);
      if (!added) {
        support::Error error = added.error();
        if (!install->where.empty()) {
          error.where = install->where.front();
        }
        return std::unexpected(error);
      }
      std::vector<LockedPackage> list;
      std::vector<std::string> why;
      for (const auto& [package, reason] : *added) {
        list.push_back(locked(rel.index, *package, reason));
        why.push_back(reason);
        installed.push_back(package);
      }
      packages.installs.push_back(std::move(list));
      reasons.push_back(std::move(why));
    }
    m_installed[stage.index] = installed;
    lock.stages[stage.index] = std::move(packages);
    lock.origins[stage.index] = std::move(origins);
    lock.reasons[stage.index] = std::move(reasons);
    lock.indexes[stage.index] = std::move(indexes);
    return {};
  }

  support::Result<std::vector<std::pair<const debian::Package*, std::string>>>
  resolve_step(const planner::InstallPackages& op, LoadedRelease& rel,
               const std::vector<const debian::Package*>& installed) {
    std::vector<std::pair<const debian::Package*, std::string>> out;
    if (!op.upgrade.empty()) {
      m_request.log(fmt::format("note: apt-get {} is a no-op: packages already come from the locked index",
                                op.upgrade));
    }
    if (op.packages.empty()) {
      return out;
    }
    std::vector<debian::Request> requests;
    std::set<std::string> purged(op.purge.begin(), op.purge.end());
    for (const auto& want : op.packages) {
      if (purged.contains(want.name)) {
        continue; // installed and purged in one step: never in the image
      }
      requests.push_back({want.name, want.arch, want.version, want.suite});
    }
    auto status = installed_index(installed);
    if (!status) {
      return std::unexpected(status.error());
    }
    debian::ResolveOptions options;
    options.architecture = m_request.architecture;
    options.install_recommends = op.recommends;
    auto resolution = debian::resolve(rel.index, &*status, requests, options);
    if (!resolution) {
      return std::unexpected(resolution.error());
    }
    for (const auto& selected : resolution->install) {
      // The resolver points into the available index for new packages.
      out.emplace_back(selected.package, selected.reason.describe());
    }
    return out;
  }

  const LockRequest& m_request;
  std::map<std::string, std::unique_ptr<LoadedRelease>> m_releases;
  std::map<int, std::vector<const debian::Package*>> m_installed;
  std::map<int, StageRelease> m_releases_of; // by stage index
  struct BaseEnv {
    std::vector<std::string> env; // the pulled image config's Env, "KEY=VALUE"
    std::string image;            // for messages: "REF (FROM on line N)"
  };
  std::map<int, BaseEnv> m_base_env; // by stage index: stages on a pulled image
  std::vector<std::unique_ptr<debian::PackageIndex>> m_image_status; // what m_installed points into
};

} // namespace

support::Result<PlanLock> lock_plan(const LockRequest& request) {
  Locker locker(request);
  return locker.run();
}

support::Result<void> fetch_packages(PlanLock& lock, fetch::Fetcher& fetcher, const fetch::Cache& cache,
                                     const fetch::ProgressCallback& progress) {
  std::vector<archive::DebRequest> requests;
  std::vector<LockedPackage*> targets;
  for (auto& [index, stage] : lock.stages) {
    (void)index;
    auto collect = [&](std::vector<LockedPackage>& list) {
      for (auto& package : list) {
        requests.push_back({package.archive_uri.empty() ? stage.mirror_uri : package.archive_uri, package.filename,
                            package.sha256, package.size});
        targets.push_back(&package);
      }
    };
    collect(stage.base);
    for (auto& install : stage.installs) {
      collect(install);
    }
  }
  if (requests.empty()) {
    return {};
  }
  auto paths = archive::fetch_debs(requests, fetcher, cache, progress);
  if (!paths) {
    return std::unexpected(paths.error());
  }
  for (std::size_t i = 0; i < targets.size(); ++i) {
    targets[i]->deb = (*paths)[i];
  }
  return {};
}

} // namespace distill::backend::build
