#include "backend/build/image_sbom.hpp"

#include "backend/build/image_distro.hpp"
#include "backend/deb/generators/context.hpp"
#include "planner/debian/control.hpp"

#include <algorithm>
#include <map>
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

sbom::Document image_sbom(const BuiltStage& built, const std::string& name, const std::string& image_digest,
                          std::int64_t created) {
  sbom::Document document;
  document.name = name;
  document.image_digest = image_digest;
  document.created = created;
  const std::string distro = os_id(built.rootfs);
  auto installed = installed_packages(built.rootfs);
  for (const auto& locked : built.packages) {
    sbom::Package package;
    package.name = locked.name;
    package.version = locked.version;
    package.arch = locked.arch;
    package.distro = distro;
    package.sha256 = locked.sha256;
    if (!locked.source.empty() && locked.source != locked.name) {
      package.source = locked.source;
    }
    package.licenses = copyright_licenses(
        deb::generators::read_image_file(built.rootfs, "/usr/share/doc/" + locked.name + "/copyright"));
    if (auto it = installed.find(locked.name); it != installed.end()) {
      package.supplier = it->second.maintainer;
      installed.erase(it);
    }
    document.packages.push_back(std::move(package));
  }
  // What the base image brought (a pulled image's own packages): known from
  // its dpkg database only, so without the .deb's hash.
  for (const auto& [package_name, facts] : installed) {
    sbom::Package package;
    package.name = package_name;
    package.version = facts.version;
    package.arch = facts.arch;
    package.distro = distro;
    if (!facts.source.empty() && facts.source != package_name) {
      package.source = facts.source;
    }
    package.licenses = copyright_licenses(
        deb::generators::read_image_file(built.rootfs, "/usr/share/doc/" + package_name + "/copyright"));
    package.supplier = facts.maintainer;
    document.packages.push_back(std::move(package));
  }
  return document;
}

} // namespace distill::backend::build
