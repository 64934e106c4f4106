#pragma once

// distill's own mirror configuration (docs/config.md): distill.json in the
// build context, else $XDG_CONFIG_HOME/distill/config.json.

#include "support/error.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::archive {

// The "debian"/"ubuntu" object of the config file.
struct DistroConfig {
  std::vector<std::string> mirrors;
  std::vector<std::string> security_mirrors;
  // Suite templates: "{suite}" is the release asked for; a trailing "?"
  // marks a suite that may be missing from the mirror.
  std::vector<std::string> suites = {"{suite}", "{suite}-updates?"};
  std::vector<std::string> security_suites = {"{suite}-security"};
  std::vector<std::string> components = {"main"};
  std::vector<std::string> architectures; // empty: the build's architecture
  std::vector<std::filesystem::path> keyrings;
  std::optional<std::string> snapshot;
};

struct DistillConfig {
  std::map<std::string, DistroConfig, std::less<>> distros;
  std::filesystem::path file; // where it was read
};

// Parses a config text; unknown keys and wrong types fail with `file` and the
// JSON path of the offending value.
support::Result<DistillConfig> parse_config(std::string_view text, const std::filesystem::path& file);

// The config in effect: context_dir/distill.json, else
// $XDG_CONFIG_HOME/distill/config.json (XDG_CONFIG_HOME defaults to
// $HOME/.config); nullopt when there is none.
support::Result<std::optional<DistillConfig>> load_config(const std::filesystem::path& context_dir,
                                                          const std::string& xdg_config_home,
                                                          const std::string& home);

} // namespace distill::backend::archive
