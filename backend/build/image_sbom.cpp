#include "backend/build/image_sbom.hpp"

#include <algorithm>
#include <sstream>

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

std::string file_text(const fs::Tree& rootfs, const std::string& path) {
  const fs::Entry* entry = rootfs.find(path);
  if (entry == nullptr || entry->type != fs::EntryType::regular) {
    return {};
  }
  auto text = fs::read_content(entry->content);
  return text ? *text : std::string{};
}

std::string control_field(const std::string& stanza, const std::string& field) {
  std::istringstream lines(stanza);
  const std::string prefix = field + ":";
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(prefix)) {
      return trim(line.substr(prefix.size()));
    }
  }
  return {};
}

// The package's dpkg entry: status.d/NAME where distill wrote one, else its
// stanza in the status file.
std::string dpkg_stanza(const fs::Tree& rootfs, const std::string& name) {
  std::string own = file_text(rootfs, "/var/lib/dpkg/status.d/" + name);
  if (!own.empty()) {
    return own;
  }
  const std::string status = "\n" + file_text(rootfs, "/var/lib/dpkg/status");
  const auto at = status.find("\nPackage: " + name + "\n");
  if (at == std::string::npos) {
    return {};
  }
  const auto end = status.find("\n\n", at + 1);
  return status.substr(at + 1, end == std::string::npos ? std::string::npos : end - at);
}

// ID= of /etc/os-release ("debian", "ubuntu"); purls are namespaced by it.
std::string os_id(const fs::Tree& rootfs) {
  std::string text = file_text(rootfs, "/etc/os-release");
  if (text.empty()) {
    text = file_text(rootfs, "/usr/lib/os-release");
  }
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("ID=")) {
      std::string id = trim(line.substr(3));
      std::erase(id, '"');
      return id;
    }
  }
  return "debian";
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

sbom::Document image_sbom(const BuiltStage& built, const std::string& name,
                          const std::string& image_digest, std::int64_t created) {
  sbom::Document document;
  document.name = name;
  document.image_digest = image_digest;
  document.created = created;
  const std::string distro = os_id(built.rootfs);
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
    package.licenses = copyright_licenses(file_text(built.rootfs, "/usr/share/doc/" + locked.name + "/copyright"));
    package.supplier = control_field(dpkg_stanza(built.rootfs, locked.name), "Maintainer");
    document.packages.push_back(std::move(package));
  }
  return document;
}

} // namespace distill::backend::build
