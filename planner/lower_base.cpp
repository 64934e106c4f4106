#include "planner/lower_base.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace distill::planner {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 8> k_debian = {{
    {"8", "jessie"}, {"9", "stretch"}, {"10", "buster"}, {"11", "bullseye"},
    {"12", "bookworm"}, {"13", "trixie"}, {"14", "forky"}, {"15", "duke"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 11> k_ubuntu = {{
    {"16.04", "xenial"}, {"18.04", "bionic"}, {"20.04", "focal"}, {"22.04", "jammy"},
    {"23.10", "mantic"}, {"24.04", "noble"}, {"24.10", "oracular"}, {"25.04", "plucky"},
    {"25.10", "questing"}, {"26.04", "resolute"}, {"22.10", "kinetic"},
}};

template <std::size_t N>
std::string_view version_of(const std::array<std::pair<std::string_view, std::string_view>, N>& table,
                            std::string_view codename) {
  for (const auto& [version, name] : table) {
    if (name == codename) return version;
  }
  return {};
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// `bookworm-20241202` -> {"bookworm", "20241202"}.
std::pair<std::string_view, std::string_view> split_serial(std::string_view tag) {
  const auto dash = tag.rfind('-');
  if (dash != std::string_view::npos && tag.size() - dash - 1 == 8 && all_digits(tag.substr(dash + 1))) {
    return {tag.substr(0, dash), tag.substr(dash + 1)};
  }
  return {tag, {}};
}

std::optional<DistroBase> debian(std::string_view tag, DistroBase base) {
  base.distro = "debian";
  if (tag.ends_with("-slim")) {
    base.slim = true;
    tag.remove_suffix(5);
  } else if (tag == "slim") {
    return std::nullopt;
  }
  if (tag.empty() || tag == "latest" || tag == "stable" || tag == "oldstable" || tag == "oldoldstable" ||
      tag == "testing") {
    if (base.slim && (tag.empty() || tag == "latest")) return std::nullopt;
    base.suite = tag.empty() || tag == "latest" ? "stable" : std::string(tag);
    base.moving = true;
    return base;
  }
  if (tag == "sid" || tag == "unstable") {
    base.suite = "sid";
    base.moving = true;
    return base;
  }
  const auto [release, serial] = split_serial(tag);
  base.serial = std::string(serial);
  if (const std::string_view version = version_of(k_debian, release); !version.empty()) {
    base.suite = std::string(release);
    base.version = std::string(version);
    return base;
  }
  // 12, 12.8
  const std::string_view major = release.substr(0, release.find('.'));
  if (all_digits(major) && (major.size() == release.size() || all_digits(release.substr(major.size() + 1)))) {
    const std::string codename = debian_codename(major);
    if (!codename.empty()) {
      base.suite = codename;
      base.version = std::string(release);
      return base;
    }
  }
  return std::nullopt;
}

std::optional<DistroBase> ubuntu(std::string_view tag, DistroBase base) {
  base.distro = "ubuntu";
  const auto [release, serial] = split_serial(tag);
  base.serial = std::string(serial);
  if (const std::string_view version = version_of(k_ubuntu, release); !version.empty()) {
    base.suite = std::string(release);
    base.version = std::string(version);
    return base;
  }
  const std::string codename = ubuntu_codename(release);
  if (!codename.empty()) {
    base.suite = codename;
    base.version = std::string(release);
    return base;
  }
  return std::nullopt; // latest, rolling, devel: which release they mean changes
}

} // namespace

std::string debian_codename(std::string_view version) {
  const std::string_view major = version.substr(0, version.find('.'));
  for (const auto& [number, name] : k_debian) {
    if (number == major) return std::string(name);
  }
  return {};
}

std::string ubuntu_codename(std::string_view version) {
  for (const auto& [number, name] : k_ubuntu) {
    if (number == version) return std::string(name);
  }
  return {};
}

std::optional<DistroBase> distro_base(std::string_view reference) {
  if (reference.find('@') != std::string_view::npos) {
    return std::nullopt; // pinned by digest: that exact image
  }
  std::string_view name = reference;
  std::string_view tag;
  const auto colon = reference.rfind(':');
  const auto slash = reference.rfind('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    name = reference.substr(0, colon);
    tag = reference.substr(colon + 1);
  }
  if (name.starts_with("library/")) {
    name.remove_prefix(8);
  }
  DistroBase base;
  base.reference = std::string(reference);
  if (name == "debian") return debian(tag, base);
  if (name == "ubuntu") return ubuntu(tag, base);
  return std::nullopt;
}

BaseKind image_base(std::string_view reference) {
  if (reference.starts_with("oci-layout://")) {
    std::string_view rest = reference.substr(13);
    LayoutBase layout;
    const auto at = rest.find('@');
    const auto colon = rest.rfind(':');
    const auto slash = rest.rfind('/');
    if (at != std::string_view::npos) {
      layout.path = std::string(rest.substr(0, at));
      layout.tag = std::string(rest.substr(at + 1));
    } else if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
      layout.path = std::string(rest.substr(0, colon));
      layout.tag = std::string(rest.substr(colon + 1));
    } else {
      layout.path = std::string(rest);
    }
    return layout;
  }
  if (auto distro = distro_base(reference)) {
    return *distro;
  }
  ImageBase image;
  image.reference = std::string(reference);
  if (const auto at = reference.find('@'); at != std::string_view::npos) {
    image.digest = std::string(reference.substr(at + 1));
  }
  return image;
}

} // namespace distill::planner
