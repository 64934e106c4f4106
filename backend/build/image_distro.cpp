#include "backend/build/image_distro.hpp"

#include "backend/deb/generators/context.hpp"
#include "planner/debian/status.hpp"

#include <map>

#include <fmt/format.h>

namespace distill::backend::build {

std::map<std::string, std::string> parse_os_release(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const auto eq = line.find('=');
    if (line.empty() || line.front() == '#' || eq == std::string_view::npos) {
      continue;
    }
    std::string_view value = line.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    out[std::string(line.substr(0, eq))] = std::string(value);
  }
  return out;
}

std::string dpkg_status_text(const fs::Tree& rootfs) {
  std::string text = deb::generators::read_image_file(rootfs, "/var/lib/dpkg/status");
  auto dir = rootfs.resolve("/var/lib/dpkg/status.d");
  if (!text.empty() || !dir) {
    return text; // dpkg reads only status; status.d beside it is a copy for scanners
  }
  for (const auto& child : rootfs.children(*dir)) {
    const auto name = child.substr(child.rfind('/') + 1);
    if (name.find('.') != std::string::npos) {
      continue; // <pkg>.md5sums
    }
    std::string stanza = deb::generators::read_image_file(rootfs, child);
    while (!stanza.empty() && (stanza.back() == '\n' || stanza.back() == ' ')) {
      stanza.pop_back();
    }
    if (stanza.empty()) {
      continue;
    }
    if (!text.empty() && !text.ends_with("\n\n")) {
      text += text.ends_with('\n') ? "\n" : "\n\n";
    }
    text += stanza;
    if (stanza.find("\nStatus:") == std::string::npos) {
      text += "\nStatus: install ok installed";
    }
    text += "\n\n";
  }
  return text;
}

support::Result<ImageDistro> read_image_distro(const fs::Tree& rootfs, std::string_view reference) {
  std::string os_release = deb::generators::read_image_file(rootfs, "/etc/os-release");
  if (os_release.empty()) {
    os_release = deb::generators::read_image_file(rootfs, "/usr/lib/os-release");
  }
  if (os_release.empty()) {
    return support::fail("apt-get install on {}: the image has no /etc/os-release, so its distribution is unknown "
                         "(only Debian and Ubuntu based images are supported)",
                         reference);
  }
  auto fields = parse_os_release(os_release);
  ImageDistro out;
  out.distro = fields["ID"];
  if (out.distro != "debian" && out.distro != "ubuntu") {
    return support::fail("apt-get install on {}: its /etc/os-release says ID={}; only Debian and Ubuntu based "
                         "images are supported",
                         reference, out.distro.empty() ? std::string("(none)") : out.distro);
  }
  out.suite = fields["VERSION_CODENAME"];
  if (out.suite.empty()) {
    return support::fail("apt-get install on {}: its /etc/os-release has no VERSION_CODENAME, so the {} release "
                         "to install from is unknown",
                         reference, out.distro);
  }
  out.version = fields["VERSION_ID"];
  auto installed = planner::debian::parse_status(dpkg_status_text(rootfs), fmt::format("{}: /var/lib/dpkg/status", reference));
  if (!installed) {
    return std::unexpected(installed.error());
  }
  out.installed = std::move(*installed);
  return out;
}

} // namespace distill::backend::build
