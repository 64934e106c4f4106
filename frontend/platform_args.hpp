#pragma once

// Platforms ("linux/arm/v7") and BuildKit's predefined ARGs
// (dockerfile2llb/platform.go): TARGETPLATFORM, TARGETOS, ..., BUILDPLATFORM,
// ..., TARGETSTAGE.

#include "frontend/instructions.hpp"
#include "support/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace distill::frontend {

struct Platform {
  std::string os;
  std::string arch;
  std::string variant;
};

// Parses and normalizes a platform like containerd's platforms.Parse
// ("x86_64" -> amd64, "linux/arm" -> variant v7, "aarch64" -> arm64). Fails
// with `"x": unknown operating system or architecture: invalid argument`.
support::Result<Platform> parse_platform(std::string_view text);

// "os/arch[/variant]".
std::string format_platform(const Platform& platform);

// The predefined ARGs for `options` in BuildKit's order, each replaced by a
// --build-arg of the same name; TARGETSTAGE is `target_stage` or "default".
std::vector<ArgValue> predefined_args(const BuildOptions& options, std::string_view target_stage);

} // namespace distill::frontend
