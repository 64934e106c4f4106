#pragma once

// Pushing from the local store, shared by `distill push` and `distill build --push`.

#include "backend/oci/descriptor.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace distill::cli {

// Registry settings from the command line.
struct RegistryFlags {
  std::vector<std::string> insecure_registries;
  std::vector<std::string> mirrors;
};

// Pushes `manifest` of the store `layout` to every name in `names` (Docker
// references, e.g. 127.0.0.1:5000/team/app:1); returns the pushed digest.
// Fails on a bad name or the first registry failure.
support::Result<std::string> push_names(const std::filesystem::path& layout, const backend::oci::Descriptor& manifest,
                                        const std::vector<std::string>& names, const RegistryFlags& flags,
                                        const std::function<void(std::string_view)>& log);

} // namespace distill::cli
