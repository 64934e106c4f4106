#include "backend/base/base_image.hpp"

#include "backend/base/official_files.hpp"
#include "backend/base/slim.hpp"
#include "backend/deb/generators/alternatives.hpp"
#include "backend/deb/generators/ca_certificates.hpp"
#include "backend/deb/generators/dpkg_db.hpp"
#include "backend/deb/generators/maintscripts.hpp"
#include "backend/deb/generators/package_effects.hpp"
#include "backend/deb/usrmerge.hpp"
#include "planner/debian/control.hpp"
#include "support/parallel.hpp"
#include "support/sha256.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

namespace distill::backend::base {

using deb::generators::Context;
using deb::generators::Finding;
using deb::generators::Installed;
using support::fail;
using support::Result;

std::vector<std::vector<std::string>> group_packages(
    const std::vector<std::pair<std::string, std::string>>& names) {
  std::map<std::string, std::vector<std::string>> by_key;
  if (names.size() <= k_max_package_layers) {
    for (const auto& [name, source] : names) {
      by_key[name].push_back(name);
    }
  } else {
    std::map<std::string, std::vector<std::string>> by_source;
    for (const auto& [name, source] : names) {
      by_source[source].push_back(name);
    }
    if (by_source.size() <= k_max_package_layers) {
      by_key = std::move(by_source);
    } else {
      for (auto& [source, members] : by_source) {
        const std::string digest = support::sha256_hex(source);
        const auto bucket = std::stoul(digest.substr(0, 8), nullptr, 16) % k_max_package_layers;
        auto& group = by_key[fmt::format("{:02}", bucket)];
        group.insert(group.end(), members.begin(), members.end());
      }
    }
  }
  std::vector<std::vector<std::string>> groups;
  for (auto& [key, members] : by_key) {
    std::sort(members.begin(), members.end());
    groups.push_back(std::move(members));
  }
  return groups;
}

namespace {

struct Unpacked {
  std::shared_ptr<deb::DebPackage> deb;
  Installed installed;
  std::string source;
  std::vector<std::string> man_dirs; // slim: man sections that existed before slimming
};

std::string strip_source_version(std::string_view source) {
  const auto space = source.find(' ');
  return std::string(source.substr(0, space));
}

Result<Unpacked> unpack(const BasePackage& package, const BaseOptions& options) {
  deb::ReadOptions read;
  read.merged_usr = options.merged_usr;
  read.spool_dir = options.spool_dir;
  auto deb = deb::read_deb(package.deb, read);
  if (!deb) {
    return std::unexpected(deb.error());
  }
  auto stanzas = planner::debian::parse_control(deb->control.control);
  if (!stanzas || stanzas->size() != 1) {
    return fail("{}: control file is not one stanza", package.deb.string());
  }
  const auto& control = stanzas->front();
  if (control.get("Package") != package.name || control.get("Version") != package.version ||
      control.get("Architecture") != package.arch) {
    return fail("{}: control says {} {} {}, but the plan resolved {} {} {}", package.deb.string(),
                control.get("Package"), control.get("Version"), control.get("Architecture"),
                package.name, package.version, package.arch);
  }
  Unpacked out;
  out.source = control.has("Source") ? strip_source_version(control.get("Source")) : package.name;
  const std::string multi_arch(control.get("Multi-Arch"));
  if (options.slim) {
    out.man_dirs = man_section_dirs(deb->data);
    slim_package_tree(deb->data);
  }
  out.deb = std::make_shared<deb::DebPackage>(std::move(*deb));
  out.installed = Installed{package.name, package.version, package.arch, multi_arch, out.deb.get()};
  return out;
}

Result<std::vector<Unpacked>> unpack_all(const std::vector<BasePackage>& packages,
                                         const BaseOptions& options) {
  std::vector<std::optional<Result<Unpacked>>> results(packages.size());
  support::parallel_for(packages.size(), std::max(1u, options.threads), [&](std::size_t i) {
    results[i] = unpack(packages[i], options);
    return results[i]->has_value();
  });
  std::vector<Unpacked> out;
  for (auto& result : results) {
    if (!result) {
      continue; // not started after a failure, reported below
    }
    if (!*result) {
      return std::unexpected(result->error());
    }
    out.push_back(std::move(**result));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.installed.name < b.installed.name; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].installed.name == out[i - 1].installed.name) {
      return fail("package {} is listed twice", out[i].installed.name);
    }
  }
  return out;
}

// Symlinks of the generated layer inside the slim-excluded trees that point
// at nothing (man page alternatives) go, like slimify's dangling-link pass.
void drop_dangling_generated(const fs::Tree& image, fs::Tree& generated) {
  std::vector<std::string> doomed;
  fs::Tree merged = image;
  (void)fs::apply_layer(merged, generated);
  for (const auto& [path, entry] : generated.entries()) {
    if (entry.type != fs::EntryType::symlink) {
      continue;
    }
    bool excluded = false;
    for (const auto pattern : slim_excludes()) {
      const std::string dir(pattern.substr(0, pattern.size() - 2));
      excluded = excluded || (pattern.ends_with("/*") && path.starts_with(dir + "/"));
    }
    if (!excluded) {
      continue;
    }
    auto target = merged.resolve(path);
    if (!target || !merged.contains(*target)) {
      doomed.push_back(path);
    }
  }
  for (const auto& path : doomed) {
    generated.remove(path);
  }
}

Result<void> put_slim_files(const Context& context, const std::vector<Unpacked>& unpacked,
                            fs::Tree& out) {
  std::set<std::string> man_dirs;
  for (const auto& package : unpacked) {
    man_dirs.insert(package.man_dirs.begin(), package.man_dirs.end());
  }
  for (const auto& dir : man_dirs) {
    // slimify's `mkdir -p` runs under umask 0002.
    if (auto ok = deb::generators::put(out, dir, fs::make_directory(0775, context.epoch)); !ok) {
      return ok;
    }
  }
  drop_dangling_generated(*context.image, out);
  return deb::generators::put(out, "/etc/dpkg/dpkg.cfg.d/docker",
                              deb::generators::generated_file(slim_dpkg_config(context), 0644,
                                                              context.epoch));
}

Result<void> run_generators(const Context& context, const BaseOptions& options,
                            const std::vector<Unpacked>& unpacked, fs::Tree& out,
                            std::vector<Finding>& findings) {
  namespace gen = deb::generators;
  if (options.merged_usr) {
    std::set<std::string> dirs;
    for (const auto& package : unpacked) {
      const auto more = deb::aliased_top_dirs(package.deb->listed_paths);
      dirs.insert(more.begin(), more.end());
    }
    for (const char* always : {"bin", "sbin", "lib"}) {
      dirs.insert(always);
    }
    std::erase_if(dirs, [&](const std::string& dir) {
      const fs::Entry* shipped = context.image->find("/" + dir);
      return shipped != nullptr && shipped->type == fs::EntryType::symlink; // trixie's base-files
    });
    if (auto ok = deb::add_usr_merge_links(dirs, context.epoch, out); !ok) {
      return ok;
    }
  }
  auto ok = gen::generate_accounts(context, options.accounts, out, findings);
  ok = ok ? gen::generate_ca_certificates(context, out, findings) : ok;
  ok = ok ? gen::generate_alternatives(context, options.compat, out, findings) : ok;
  ok = ok ? gen::generate_package_effects(context, out, findings) : ok;
  ok = ok ? gen::generate_status_d(context, out) : ok;
  if (ok && options.compat) {
    ok = gen::generate_dpkg_database(context, out, findings);
  }
  if (ok && options.compat && options.distro == "debian") {
    ok = generate_official_files(context, options.sources, out);
  } else if (ok) {
    ok = generate_tmp(context.epoch, out);
  }
  if (ok && options.slim) {
    ok = put_slim_files(context, unpacked, out);
  }
  return ok;
}

} // namespace

Result<BaseLayers> build_base_layers(const std::vector<BasePackage>& packages,
                                     const BaseOptions& options) {
  auto unpacked = unpack_all(packages, options);
  if (!unpacked) {
    return std::unexpected(unpacked.error());
  }
  BaseLayers result;
  std::vector<std::pair<std::string, std::string>> names;
  std::map<std::string, const Unpacked*> by_name;
  for (const auto& package : *unpacked) {
    names.emplace_back(package.installed.name, package.source);
    by_name[package.installed.name] = &package;
    result.packages.push_back(package.deb);
  }
  fs::Tree image;
  for (const auto& group : group_packages(names)) {
    PackageLayer layer;
    layer.packages = group;
    for (const auto& name : group) {
      if (auto ok = fs::apply_layer(layer.tree, by_name[name]->deb->data); !ok) {
        return std::unexpected(ok.error().context("layering " + name));
      }
    }
    if (auto ok = fs::apply_layer(image, layer.tree); !ok) {
      return std::unexpected(ok.error().context("stacking the layer of " + group.front()));
    }
    result.layers.push_back(std::move(layer));
  }

  Context context;
  context.image = &image;
  context.epoch = options.epoch;
  context.merged_usr = options.merged_usr;
  context.arch = options.arch;
  for (const auto& package : *unpacked) {
    context.packages.push_back(package.installed);
  }
  std::vector<Finding> findings;
  for (const auto& package : context.packages) {
    auto more = deb::generators::classify_maintainer_scripts(package);
    findings.insert(findings.end(), more.begin(), more.end());
  }
  if (auto ok = run_generators(context, options, *unpacked, result.generated, findings); !ok) {
    return std::unexpected(ok.error().context("generating the base files"));
  }
  std::sort(findings.begin(), findings.end(), [](const auto& a, const auto& b) {
    return std::tie(a.package, a.what) < std::tie(b.package, b.what);
  });
  findings.erase(std::unique(findings.begin(), findings.end()), findings.end());
  result.findings = std::move(findings);
  return result;
}

} // namespace distill::backend::base
