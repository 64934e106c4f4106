#include "backend/registry/platform.hpp"

#include <vector>

#include <fmt/ranges.h>

#include <sys/utsname.h>

namespace distill::backend::registry {

support::Result<oci::Platform> parse_platform(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto slash = text.find('/', start);
    parts.emplace_back(text.substr(start, slash == std::string_view::npos ? text.npos : slash - start));
    if (slash == std::string_view::npos) {
      break;
    }
    start = slash + 1;
  }
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty() ||
      (parts.size() == 3 && parts[2].empty())) {
    return support::fail("invalid platform \"{}\": write OS/ARCH[/VARIANT], e.g. linux/amd64", text);
  }
  return oci::Platform{parts[1], parts[0], parts.size() == 3 ? parts[2] : ""};
}

oci::Platform host_platform() {
  struct utsname name {};
  std::string machine = ::uname(&name) == 0 ? name.machine : "x86_64";
  oci::Platform out{"amd64", "linux", ""};
  if (machine == "aarch64" || machine == "arm64") {
    out.architecture = "arm64";
  } else if (machine.starts_with("armv7")) {
    out.architecture = "arm";
    out.variant = "v7";
  } else if (machine == "i686" || machine == "i386") {
    out.architecture = "386";
  } else if (machine == "ppc64le" || machine == "s390x" || machine == "riscv64") {
    out.architecture = machine;
  }
  return out;
}

std::string platform_string(const oci::Platform& platform) {
  return platform.os + "/" + platform.architecture + (platform.variant.empty() ? "" : "/" + platform.variant);
}

support::Result<oci::Descriptor> select_platform(const oci::Index& index, const oci::Platform& wanted) {
  auto variant_of = [](const oci::Platform& p) { return p.architecture == "arm64" && p.variant == "v8" ? "" : p.variant; };
  std::vector<std::string> offered;
  for (const auto& entry : index.manifests) {
    if (!entry.platform) {
      continue;
    }
    const auto& p = *entry.platform;
    // Attestation manifests carry "unknown/unknown"; they are not images.
    if (p.os == "unknown") {
      continue;
    }
    offered.push_back(platform_string(p));
    if (p.os == wanted.os && p.architecture == wanted.architecture &&
        (wanted.variant.empty() || variant_of(p).empty() || variant_of(p) == variant_of(wanted))) {
      return entry;
    }
  }
  return support::fail("the image has no {} variant (it offers: {})", platform_string(wanted),
                       offered.empty() ? std::string("no platforms") : fmt::format("{}", fmt::join(offered, ", ")));
}

} // namespace distill::backend::registry
