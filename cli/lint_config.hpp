#pragma once

// The configuration file of `distill lint`: `.distill.yaml`, or hadolint's
// `.hadolint.yaml` read for the keys both tools share (docs/lint-rules.md,
// "Configuration file"). The YAML library is used only in lint_config.cpp.

#include "support/diagnostic.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace distill::cli {

struct LintConfig {
  std::string path;                                                  // the file it came from
  std::vector<std::string> ignored;                                  // `ignored:`
  std::vector<std::pair<std::string, support::Severity>> overrides;  // `override: {error: [...], ...}`
  std::optional<std::string> failure_threshold;                      // checked: error|warning|info|style|none
  std::vector<std::string> trusted_registries;                       // `trustedRegistries:`
  std::optional<bool> disable_ignore_pragma;                         // `disable-ignore-pragma:`
};

// Reads the config file at `path`. Fails with "path:line:col: message" for
// bad YAML, a key of the wrong type, an unknown severity, or (in a distill
// file, not a hadolint one) an unknown key.
support::Result<LintConfig> read_lint_config(const std::filesystem::path& path);

// The config file a run without --config uses: in `start`, then each parent up
// to the repository root (the first folder holding `.git`), the first of
// .distill.yaml, .distill.yml, .hadolint.yaml, .hadolint.yml; outside a
// repository only `start` is searched. nullopt when there is none.
std::optional<std::filesystem::path> find_lint_config(const std::filesystem::path& start);

} // namespace distill::cli
