#include "backend/build/base_packages.hpp"

#include "planner/debian/minbase.hpp"

namespace distill::backend::build {

namespace debian = planner::debian;

support::Result<std::vector<const debian::Package*>>
base_package_set(const debian::PackageIndex& index, const std::string& distro, const std::string& suite,
                 const std::string& architecture) {
  auto options = debian::minbase_options(suite);
  options.architecture = architecture;
  auto selected = debian::minbase_packages(index, options);
  if (!selected) {
    return std::unexpected(selected.error().context(fmt::format("the {} {} base", distro, suite)));
  }
  std::vector<const debian::Package*> packages;
  packages.reserve(selected->size());
  for (const auto& each : *selected) {
    packages.push_back(each.package);
  }
  return packages;
}

} // namespace distill::backend::build
