#include "backend/archive/sources.hpp"

#include "backend/archive/apt_sources.hpp"
#include "backend/archive/config_file.hpp"

#include <algorithm>
#include <cstdlib>

namespace distill::backend::archive {

namespace fs = std::filesystem;

namespace {

std::string without_trailing_slash(std::string_view url) {
  while (url.size() > 1 && url.ends_with('/')) {
    url.remove_suffix(1);
  }
  return std::string(url);
}

// "{suite}-updates?" -> ("bookworm-updates", optional).
std::pair<std::string, bool> expand_suite(std::string_view pattern, std::string_view release) {
  const bool optional = pattern.ends_with('?');
  if (optional) {
    pattern.remove_suffix(1);
  }
  std::string suite(pattern);
  for (auto pos = suite.find("{suite}"); pos != std::string::npos; pos = suite.find("{suite}")) {
    suite.replace(pos, 7, release);
  }
  return {suite, optional};
}

Keyrings keyrings_for(const SourcesContext& context, std::string_view distro,
                      const std::vector<fs::path>& configured) {
  if (!context.cli.keyrings.empty()) {
    return Keyrings{context.cli.keyrings, {}};
  }
  if (!configured.empty()) {
    return Keyrings{configured, {}};
  }
  const fs::path fallback = default_keyring_path(distro, context.root);
  return fallback.empty() ? Keyrings{} : Keyrings{{fallback}, {}};
}

struct MirrorSet {
  std::vector<std::string> mirrors;
  std::vector<std::string> security_mirrors;
  std::vector<std::string> suites;
  std::vector<std::string> security_suites;
  std::vector<std::string> components;
  std::vector<std::string> architectures;
  Keyrings keyrings;
  std::string origin;
};

std::vector<SourceSpec> expand(const MirrorSet& set, const SuiteQuery& query) {
  std::vector<SourceSpec> specs;
  auto add = [&](const std::vector<std::string>& mirrors, const std::vector<std::string>& suites) {
    for (const auto& mirror : mirrors) {
      for (const auto& pattern : suites) {
        auto [suite, optional] = expand_suite(pattern, query.release);
        specs.push_back(SourceSpec{query.distro, without_trailing_slash(mirror), suite,
                                   set.components, set.architectures, set.keyrings, true, false,
                                   optional, set.origin});
      }
    }
  };
  add(set.mirrors, set.suites);
  add(set.security_mirrors, set.security_suites);
  return specs;
}

bool matches_release(std::string_view suite, std::string_view release) {
  return suite == release || (suite.starts_with(release) && suite.size() > release.size() &&
                              suite[release.size()] == '-');
}

// A host path named in a source (Signed-By) seen from the fake root in tests.
fs::path under_root(const fs::path& root, const fs::path& path) {
  return root == "/" || path.is_relative() ? path : root / path.relative_path();
}

support::Result<std::vector<SourceSpec>> from_host(const SourcesContext& context,
                                                   const SuiteQuery& query,
                                                   std::vector<std::string>& seen_suites) {
  auto entries = read_host_apt_sources(context.root);
  if (!entries) {
    return std::unexpected(entries.error());
  }
  std::vector<SourceSpec> specs;
  for (const auto& entry : *entries) {
    const bool binary = std::find(entry.types.begin(), entry.types.end(), "deb") != entry.types.end();
    if (!entry.enabled || !binary) {
      continue;
    }
    if (!entry.architectures.empty() &&
        std::find(entry.architectures.begin(), entry.architectures.end(), query.architecture) ==
            entry.architectures.end()) {
      continue;
    }
    const std::string where = fmt::format("{}:{}", entry.file, entry.line);
    for (const auto& suite : entry.suites) {
      seen_suites.push_back(suite);
      if (!matches_release(suite, query.release)) {
        continue;
      }
      Keyrings keyrings;
      if (!context.cli.keyrings.empty()) {
        keyrings.files = context.cli.keyrings;
      } else if (!entry.signed_by_key.empty()) {
        keyrings.armored.push_back(entry.signed_by_key);
      } else if (!entry.signed_by.empty()) {
        for (const auto& item : entry.signed_by) {
          if (!item.starts_with('/')) {
            return support::fail("{}: Signed-By \"{}\" is a key fingerprint; distill needs a "
                                 "keyring file there (or pass --keyring)",
                                 where, item);
          }
          keyrings.files.push_back(under_root(context.root, item));
        }
      } else {
        keyrings = keyrings_for(context, query.distro, {});
      }
      for (const auto& uri : entry.uris) {
        specs.push_back(SourceSpec{query.distro, without_trailing_slash(uri), suite,
                                   entry.components, {query.architecture}, keyrings,
                                   entry.check_valid_until.value_or(true), false, false, where});
      }
    }
  }
  return specs;
}

// The same archive and suite named twice (two files, two lines) is one
// source with the union of the components.
std::vector<SourceSpec> merge_duplicates(std::vector<SourceSpec> specs) {
  std::vector<SourceSpec> out;
  for (auto& spec : specs) {
    auto same = std::find_if(out.begin(), out.end(), [&](const SourceSpec& s) {
      return s.uri == spec.uri && s.suite == spec.suite;
    });
    if (same == out.end()) {
      out.push_back(std::move(spec));
      continue;
    }
    for (auto& component : spec.components) {
      if (std::find(same->components.begin(), same->components.end(), component) ==
          same->components.end()) {
        same->components.push_back(std::move(component));
      }
    }
  }
  return out;
}

} // namespace

SourcesContext sources_context_from_env(MirrorOverride cli, fs::path context_dir) {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  return SourcesContext{std::move(cli), std::move(context_dir), xdg ? xdg : "", home ? home : "",
                        "/"};
}

std::string expand_snapshot(std::string_view snapshot, std::string_view mirror) {
  std::string url(snapshot);
  const auto pos = url.find("{archive}");
  if (pos != std::string::npos) {
    const std::string root = without_trailing_slash(mirror);
    const auto slash = root.rfind('/');
    url.replace(pos, 9, slash == std::string::npos ? root : root.substr(slash + 1));
  }
  return without_trailing_slash(url);
}

support::Result<std::vector<SourceSpec>> find_sources(const SourcesContext& context,
                                                      const SuiteQuery& query) {
  std::vector<SourceSpec> specs;
  std::optional<std::string> snapshot = context.cli.snapshot;
  std::vector<std::string> seen_suites;
  auto config = load_config(context.context_dir, context.xdg_config_home, context.home);
  if (!config) {
    return std::unexpected(config.error());
  }
  const DistroConfig* distro_config = nullptr;
  if (*config) {
    if (auto it = (*config)->distros.find(query.distro); it != (*config)->distros.end()) {
      distro_config = &it->second;
    }
  }
  if (!context.cli.mirrors.empty() || !context.cli.security_mirrors.empty()) {
    const MirrorSet set{context.cli.mirrors,  context.cli.security_mirrors,
                        {"{suite}", "{suite}-updates?"},
                        {"{suite}-security"}, {"main"},
                        {query.architecture}, keyrings_for(context, query.distro, {}),
                        "--mirror"};
    specs = expand(set, query);
  } else if (distro_config != nullptr) {
    const DistroConfig& c = *distro_config;
    std::vector<std::string> archs = c.architectures;
    if (archs.empty()) {
      archs = {query.architecture};
    } else if (std::find(archs.begin(), archs.end(), query.architecture) == archs.end()) {
      return support::fail("{}: {}.architectures does not include {}, the build's architecture",
                           (*config)->file.string(), query.distro, query.architecture);
    }
    // A snapshot alone stands in for the mirror ("{archive}" then needs a name).
    // Debian keeps security updates in a separate archive; Ubuntu in the same one.
    std::vector<std::string> mirrors = c.mirrors;
    std::vector<std::string> security = c.security_mirrors;
    if (mirrors.empty()) {
      mirrors = {"/" + query.distro};
      if (security.empty()) {
        security = {"/" + query.distro + (query.distro == "debian" ? "-security" : "")};
      }
    }
    const MirrorSet set{mirrors,      security,
                        c.suites,     c.security_suites,
                        c.components, archs,
                        keyrings_for(context, query.distro, c.keyrings),
                        (*config)->file.string()};
    specs = expand(set, query);
    if (!snapshot) {
      snapshot = c.snapshot;
    }
  } else {
    auto host = from_host(context, query, seen_suites);
    if (!host) {
      return std::unexpected(host.error());
    }
    specs = std::move(*host);
  }
  if (specs.empty()) {
    std::string seen;
    for (const auto& s : seen_suites) {
      seen += (seen.empty() ? "" : ", ") + s;
    }
    return support::fail("no package source for {} {} ({}): nothing on the command line or in a "
                         "config file, and the host's apt sources under {} list {}; pass --mirror "
                         "URL or write distill.json (docs/config.md)",
                         query.distro, query.release, query.architecture,
                         (context.root / "etc/apt").string(),
                         seen.empty() ? "no suites" : "only " + seen);
  }
  for (const auto& spec : specs) {
    if (spec.suite.ends_with('/')) {
      return support::fail("{}: flat repositories (suite \"{}\") are not supported", spec.origin,
                           spec.suite);
    }
  }
  if (snapshot) {
    for (auto& spec : specs) {
      spec.uri = expand_snapshot(*snapshot, spec.uri);
      spec.snapshot = true;
      spec.check_valid_until = false;
    }
  }
  specs = merge_duplicates(std::move(specs));
  // The release itself first, then its update suites, in configured order.
  std::stable_partition(specs.begin(), specs.end(),
                        [&](const SourceSpec& s) { return s.suite == query.release; });
  return specs;
}

} // namespace distill::backend::archive
