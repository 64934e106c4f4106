#include "backend/build/image_sbom.hpp"

#include "backend/build/image_distro.hpp"
#include "backend/deb/generators/context.hpp"
#include "planner/debian/control.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

namespace distill::backend::build {

namespace {

std::string trim(std::string text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) {
    return {};
  }
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

// The installed packages of the image's dpkg database, by name. A damaged
// database costs only what the SBOM would have taken from it.
struct InstalledFacts {
  std::string version;
  std::string arch;
  std::string source; // the source package's name
  std::string maintainer;
};

std::map<std::string, InstalledFacts> installed_packages(const fs::Tree& rootfs) {
  std::map<std::string, InstalledFacts> out;
  const std::string text = dpkg_status_text(rootfs); // the stanzas point into it
  auto stanzas = planner::debian::parse_control(text);
  if (!stanzas) {
    return out;
  }
  for (const auto& stanza : *stanzas) {
    if (stanza.get("Status").ends_with(" installed")) {
      const auto source = stanza.get("Source");
      out.emplace(std::string(stanza.get("Package")),
                  InstalledFacts{std::string(stanza.get("Version")), std::string(stanza.get("Architecture")),
                                 std::string(source.substr(0, source.find(' '))),
                                 std::string(stanza.get("Maintainer"))});
    }
  }
  return out;
}

// ID= of os-release ("debian", "ubuntu"); purls are namespaced by it.
std::string os_id(const fs::Tree& rootfs) {
  std::string text = deb::generators::read_image_file(rootfs, "/etc/os-release");
  if (text.empty()) {
    text = deb::generators::read_image_file(rootfs, "/usr/lib/os-release");
  }
  const auto fields = parse_os_release(text);
  const auto id = fields.find("ID");
  return id == fields.end() || id->second.empty() ? "debian" : id->second;
}

} // namespace

std::vector<std::string> copyright_licenses(const std::string& copyright) {
  std::vector<std::string> names;
  // Only DEP-5 files name licences in a form a tool may read.
  if (!copyright.starts_with("Format:")) {
    return names;
  }
  std::istringstream lines(copyright);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("License:")) {
      continue;
    }
    const std::string name = trim(line.substr(8));
    if (!name.empty() && std::ranges::find(names, name) == names.end()) {
      names.push_back(name);
    }
  }
  return names;
}

SbomFacts sbom_facts(const fs::Tree& rootfs, const std::vector<LockedPackage>& locked) {
  SbomFacts facts;
  facts.distro = os_id(rootfs);
  for (auto& [package_name, installed] : installed_packages(rootfs)) {
    auto& package = facts.packages[package_name];
    package.version = installed.version;
    package.arch = installed.arch;
    package.source = installed.source;
    package.maintainer = installed.maintainer;
    package.in_database = true;
  }
  for (const auto& each : locked) {
    facts.packages[each.name]; // a locked package the database lacks still gets its licences
  }
  for (auto& [package_name, package] : facts.packages) {
    package.licenses = copyright_licenses(
        deb::generators::read_image_file(rootfs, "/usr/share/doc/" + package_name + "/copyright"));
  }
  return facts;
}

std::string sbom_facts_json(const SbomFacts& facts) {
  nlohmann::json packages = nlohmann::json::object();
  for (const auto& [package_name, package] : facts.packages) {
    packages[package_name] = {{"version", package.version},       {"arch", package.arch},
                              {"source", package.source},         {"maintainer", package.maintainer},
                              {"licenses", package.licenses},     {"in_database", package.in_database}};
  }
  return nlohmann::json{{"version", 1}, {"distro", facts.distro}, {"packages", packages}}.dump();
}

std::optional<SbomFacts> parse_sbom_facts(const std::string& text) {
  try {
    const auto in = nlohmann::json::parse(text);
    if (in.value("version", 0) != 1) {
      return std::nullopt;
    }
    SbomFacts facts;
    facts.distro = in.at("distro").get<std::string>();
    for (const auto& [package_name, package] : in.at("packages").items()) {
      auto& out = facts.packages[package_name];
      out.version = package.at("version").get<std::string>();
      out.arch = package.at("arch").get<std::string>();
      out.source = package.at("source").get<std::string>();
      out.maintainer = package.at("maintainer").get<std::string>();
      out.licenses = package.at("licenses").get<std::vector<std::string>>();
      out.in_database = package.at("in_database").get<bool>();
    }
    return facts;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

bool touches_sbom_facts(const fs::Tree& layer) {
  static constexpr std::string_view k_read[] = {"/usr/share/doc", "/var/lib/dpkg", "/etc/os-release",
                                                "/usr/lib/os-release"};
  for (const auto& [path, entry] : layer.entries()) {
    for (const std::string_view read : k_read) {
      if (path == read || (path.starts_with(read) && path[read.size()] == '/')) {
        return true;
      }
      // A parent that stops being a plain directory hides what is below it.
      const bool parent = read.starts_with(path) && read[path.size()] == '/';
      if (parent && (!entry.is_dir() || entry.opaque)) {
        return true;
      }
    }
  }
  return false;
}

sbom::Document image_sbom(const BuiltStage& built, const SbomFacts& facts, const std::string& name,
                          const std::string& image_digest, std::int64_t created) {
  sbom::Document document;
  document.name = name;
  document.image_digest = image_digest;
  document.created = created;
  std::set<std::string> listed;
  for (const auto& locked : built.packages) {
    sbom::Package package;
    package.name = locked.name;
    package.version = locked.version;
    package.arch = locked.arch;
    package.distro = facts.distro;
    package.sha256 = locked.sha256;
    if (!locked.source.empty() && locked.source != locked.name) {
      package.source = locked.source;
    }
    if (auto it = facts.packages.find(locked.name); it != facts.packages.end()) {
      package.licenses = it->second.licenses;
      if (it->second.in_database) {
        package.supplier = it->second.maintainer;
      }
    }
    listed.insert(locked.name);
    document.packages.push_back(std::move(package));
  }
  // What the base image brought (a pulled image's own packages): known from
  // its dpkg database only, so without the .deb's hash.
  for (const auto& [package_name, facts_of] : facts.packages) {
    if (!facts_of.in_database || listed.contains(package_name)) {
      continue;
    }
    sbom::Package package;
    package.name = package_name;
    package.version = facts_of.version;
    package.arch = facts_of.arch;
    package.distro = facts.distro;
    if (!facts_of.source.empty() && facts_of.source != package_name) {
      package.source = facts_of.source;
    }
    package.licenses = facts_of.licenses;
    package.supplier = facts_of.maintainer;
    document.packages.push_back(std::move(package));
  }
  return document;
}

sbom::Document image_sbom(const BuiltStage& built, const std::string& name, const std::string& image_digest,
                          std::int64_t created) {
  return image_sbom(built, sbom_facts(built.rootfs, built.packages), name, image_digest, created);
}

} // namespace distill::backend::build
