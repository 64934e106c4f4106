#include "backend/build/closure_providers.hpp"

#include "backend/deb/deb_reader.hpp"
#include "backend/deb/usrmerge.hpp"
#include "backend/oci/image_config.hpp"

#include <algorithm>
#include <map>
#include <ranges>
#include <set>

#include <fmt/format.h>

namespace distill::backend::build {

namespace {

// The directories the dynamic loader searches by default.
bool library_dir(std::string_view dir) {
  if (dir == "/usr/lib" || dir == "/usr/lib64" || dir == "/usr/lib32" || dir == "/lib" || dir == "/lib64") {
    return true;
  }
  // A multiarch directory: /usr/lib/x86_64-linux-gnu.
  for (std::string_view prefix : {std::string_view("/usr/lib/"), std::string_view("/lib/")}) {
    if (dir.starts_with(prefix) && dir.find('/', prefix.size()) == std::string_view::npos &&
        dir.find("-linux-") != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// The paths that would satisfy a problem, in the image's spelling.
std::vector<std::string> wanted_paths(const ClosureProblem& problem, bool merged_usr) {
  std::vector<std::string> out;
  auto add = [&](const std::string& path) { out.push_back(merged_usr ? deb::merge_usr_path(path) : path); };
  if (problem.missing.starts_with('/')) {
    add(problem.missing);
  } else if (problem.why != "DT_NEEDED" && problem.missing.find('/') == std::string::npos) {
    // A program name is looked up in the image's default PATH.
    for (const auto dir : std::views::split(oci::k_default_path, ':')) {
      add(fmt::format("{}/{}", std::string_view(dir.begin(), dir.end()), problem.missing));
    }
  }
  return out;
}

} // namespace

support::Result<ClosureAdditions> closure_additions(const std::vector<ClosureProblem>& problems,
                                                    const std::vector<LockedPackage>& candidates,
                                                    bool merged_usr) {
  // Each candidate's files, in the image's spelling; by name so that the
  // first provider by name wins.
  std::map<std::string, std::set<std::string>> files;
  for (const auto& candidate : candidates) {
    if (files.contains(candidate.name)) {
      continue;
    }
    deb::ReadOptions options;
    options.merged_usr = false; // the listed spelling, merged below
    auto package = deb::read_deb(candidate.deb, options);
    if (!package) {
      return std::unexpected(package.error().context(fmt::format("reading {} for --minimal", candidate.name)));
    }
    auto& paths = files[candidate.name];
    for (const auto& path : package->listed_paths) {
      paths.insert(merged_usr ? deb::merge_usr_path(path) : path);
    }
  }
  ClosureAdditions out;
  std::set<std::string> chosen;
  for (const auto& problem : problems) {
    const auto wanted = wanted_paths(problem, merged_usr);
    std::string provider;
    std::string what;
    for (const auto& [name, paths] : files) {
      for (const auto& path : wanted) {
        if (paths.contains(path)) {
          provider = name;
          what = path;
          break;
        }
      }
      if (provider.empty() && problem.why == "DT_NEEDED") {
        for (const auto& path : paths) {
          const auto slash = path.rfind('/');
          if (path.compare(slash + 1, std::string::npos, problem.missing) == 0 &&
              library_dir(std::string_view(path).substr(0, slash))) {
            provider = name;
            what = path;
            break;
          }
        }
      }
      if (!provider.empty()) {
        break;
      }
    }
    if (provider.empty()) {
      out.unresolved.push_back(problem);
      continue;
    }
    chosen.insert(provider);
    out.reasons.push_back(fmt::format("{}: {} ({} of {})", provider, what, problem.why, problem.path));
  }
  out.packages.assign(chosen.begin(), chosen.end());
  return out;
}

} // namespace distill::backend::build
