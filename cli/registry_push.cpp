#include "cli/registry_push.hpp"

#include "backend/registry/credentials.hpp"
#include "backend/registry/push.hpp"
#include "backend/registry/reference.hpp"

namespace distill::cli {

support::Result<std::string> push_names(const std::filesystem::path& layout, const backend::oci::Descriptor& manifest,
                                        const std::vector<std::string>& names, const RegistryFlags& flags,
                                        const std::function<void(std::string_view)>& log) {
  namespace registry = backend::registry;
  std::vector<registry::Reference> targets;
  for (const auto& name : names) {
    auto ref = registry::parse_reference(name);
    if (!ref) {
      return std::unexpected(ref.error());
    }
    targets.push_back(std::move(*ref));
  }
  registry::ClientOptions options;
  options.insecure_registries = flags.insecure_registries;
  options.mirrors = flags.mirrors;
  options.auth_files = registry::auth_files_from_env();
  return registry::push_image(layout, manifest, targets, options, log);
}

} // namespace distill::cli
