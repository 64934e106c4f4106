#include "frontend/platform_args.hpp"

#include "frontend/go_quote.hpp"
#include "frontend/typed_support.hpp"

#include <array>
#include <utility>

namespace distill::frontend {
namespace {

bool valid_component(std::string_view part) {
  if (part.empty()) return false;
  for (char c : part) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-';
    if (!ok) return false;
  }
  return true;
}

bool known_os(std::string_view os) {
  static constexpr std::array<std::string_view, 17> k_os = {
      "aix",     "android", "darwin", "dragonfly", "freebsd", "hurd",  "illumos", "ios",    "js",
      "linux",   "nacl",    "netbsd", "openbsd",   "plan9",   "solaris", "wasip1", "windows"};
  for (auto known : k_os) {
    if (known == os) return true;
  }
  return false;
}

// containerd's normalizeArch.
std::pair<std::string, std::string> normalize_arch(std::string arch, std::string variant) {
  if (arch == "i386") return {"386", ""};
  if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
    return {"amd64", variant == "v1" ? "" : variant};
  }
  if (arch == "aarch64" || arch == "arm64") {
    return {"arm64", (variant == "8" || variant == "v8" || variant == "v8.0") ? "" : variant};
  }
  if (arch == "armhf") return {"arm", "v7"};
  if (arch == "armel") return {"arm", "v6"};
  if (arch == "arm") {
    if (variant.empty() || variant == "7") variant = "v7";
    if (variant == "5" || variant == "6" || variant == "8") variant = "v" + variant;
    return {"arm", variant};
  }
  return {arch, variant};
}

support::Result<Platform> invalid(std::string_view text) {
  return support::fail("{}: unknown operating system or architecture: invalid argument", go_quote(text));
}

} // namespace

support::Result<Platform> parse_platform(std::string_view text) {
  std::vector<std::string> parts;
  for (std::string_view rest = text;;) {
    const auto slash = rest.find('/');
    parts.push_back(ascii_lower(rest.substr(0, slash)));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  for (const auto& part : parts) {
    if (!valid_component(part)) return invalid(text);
  }
  Platform platform;
  if (parts.size() == 1) {
    // One word: an OS (the default architecture) or an architecture (linux).
    if (known_os(parts[0])) {
      platform.os = parts[0];
      platform.arch = "amd64";
    } else {
      platform.os = "linux";
      std::tie(platform.arch, platform.variant) = normalize_arch(parts[0], "");
      if (platform.arch == parts[0] && parts[0] != "amd64" && parts[0] != "arm64" && parts[0] != "arm" &&
          parts[0] != "386" && parts[0] != "ppc64le" && parts[0] != "s390x" && parts[0] != "riscv64" &&
          parts[0] != "mips64le" && parts[0] != "loong64" && parts[0] != "ppc64") {
        return invalid(text);
      }
    }
    return platform;
  }
  if (parts.size() > 3 || !known_os(parts[0])) return invalid(text);
  platform.os = parts[0];
  std::tie(platform.arch, platform.variant) = normalize_arch(parts[1], parts.size() == 3 ? parts[2] : "");
  return platform;
}

std::string format_platform(const Platform& platform) {
  std::string out = platform.os + "/" + platform.arch;
  if (!platform.variant.empty()) out += "/" + platform.variant;
  return out;
}

std::vector<ArgValue> predefined_args(const BuildOptions& options, std::string_view target_stage) {
  const auto parsed = [](const std::string& text) {
    auto platform = parse_platform(text);
    return platform ? *platform : Platform{"linux", "amd64", ""};
  };
  const Platform build = parsed(options.build_platform);
  const Platform target = parsed(options.target_platform);
  std::vector<ArgValue> args = {
      {"BUILDPLATFORM", format_platform(build)},
      {"BUILDOS", build.os},
      {"BUILDOSVERSION", ""},
      {"BUILDARCH", build.arch},
      {"BUILDVARIANT", build.variant},
      {"TARGETPLATFORM", format_platform(target)},
      {"TARGETOS", target.os},
      {"TARGETOSVERSION", ""},
      {"TARGETARCH", target.arch},
      {"TARGETVARIANT", target.variant},
      {"TARGETSTAGE", target_stage.empty() ? std::string("default") : std::string(target_stage)},
  };
  for (auto& arg : args) {
    for (const auto& [key, value] : options.build_args) {
      if (key == arg.name) arg.value = value;
    }
  }
  return args;
}

} // namespace distill::frontend
