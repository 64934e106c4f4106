#include "backend/build/base_platform_check.hpp"

#include "backend/registry/platform.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace distill::backend::build {
namespace {

std::string lower(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

} // namespace

oci::Platform normalized_platform(oci::Platform platform) {
  platform.os = lower(std::move(platform.os));
  if (platform.os == "macos") platform.os = "darwin";
  std::string& arch = platform.architecture;
  std::string& variant = platform.variant;
  arch = lower(std::move(arch));
  variant = lower(std::move(variant));
  if (arch == "i386") {
    arch = "386";
    variant.clear();
  } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
    arch = "amd64";
    if (variant == "v1") variant.clear();
  } else if (arch == "aarch64" || arch == "arm64") {
    arch = "arm64";
    if (variant == "8" || variant == "v8" || variant == "v8.0") variant.clear();
    if (variant == "9" || variant == "9.0" || variant == "v9.0") variant = "v9";
  } else if (arch == "armhf") {
    arch = "arm";
    variant = "v7";
  } else if (arch == "armel") {
    arch = "arm";
    variant = "v6";
  } else if (arch == "arm") {
    if (variant.empty() || variant == "7") variant = "v7";
    if (variant == "5" || variant == "6" || variant == "8") variant = "v" + variant;
  }
  return platform;
}

std::optional<support::Diagnostic> check_base_platform(std::string_view requested, std::string_view image,
                                                       const oci::Platform& pulled, const support::SourceRange& where) {
  const auto wanted = registry::parse_platform(requested);
  if (!wanted) return std::nullopt;
  const oci::Platform expected = normalized_platform(*wanted);
  const oci::Platform actual = normalized_platform(pulled);
  if (expected.os == actual.os && expected.architecture == actual.architecture) return std::nullopt;
  const std::string expected_text = registry::platform_string(expected);
  const std::string actual_text = registry::platform_string(actual);
  support::Diagnostic diagnostic;
  diagnostic.severity = support::Severity::warning;
  diagnostic.kind = "InvalidBaseImagePlatform";
  diagnostic.where = where;
  diagnostic.message = fmt::format("base image {} was pulled with platform \"{}\", expected \"{}\" for current build",
                                   image, actual_text, expected_text);
  diagnostic.hint = fmt::format("use a {} image (a tag or index that has one, or its digest), or build with "
                                "--platform {}",
                                expected_text, actual_text);
  return diagnostic;
}

} // namespace distill::backend::build
