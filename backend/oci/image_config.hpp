#pragma once

// The OCI image config (application/vnd.oci.image.config.v1+json) with the
// Docker fields BuildKit writes (Healthcheck, OnBuild, Shell, ArgsEscaped).
// Serialised like BuildKit's Go structs: every field omitted when empty
// ("config" and "rootfs" always present), but with keys sorted (canonical
// JSON) so the bytes depend only on the values.

#include "support/error.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::oci {

// Durations in nanoseconds, as Go's time.Duration serialises.
struct HealthConfig {
  std::vector<std::string> test; // {"NONE"} | {"CMD", ...} | {"CMD-SHELL", "..."}
  std::int64_t interval = 0;
  std::int64_t timeout = 0;
  std::int64_t start_period = 0;
  std::int64_t start_interval = 0;
  int retries = 0;

  friend bool operator==(const HealthConfig&, const HealthConfig&) = default;
};

struct HistoryEntry {
  std::string created;    // RFC 3339; empty = omitted
  std::string created_by; // "RUN /bin/sh -c ... # buildkit"
  std::string author;
  std::string comment;    // "buildkit.dockerfile.v0"
  bool empty_layer = false;

  friend bool operator==(const HistoryEntry&, const HistoryEntry&) = default;
};

struct ImageConfig {
  std::string architecture = "amd64";
  std::string os = "linux";
  std::string variant;    // "v8" on arm64 etc.; empty = omitted
  std::string os_version; // "os.version"
  std::string created;    // RFC 3339 (see oci/json.hpp rfc3339); empty = omitted
  std::string author;     // MAINTAINER

  // "config"
  std::string user;
  std::set<std::string> exposed_ports; // "80/tcp"
  std::vector<std::string> env;        // "KEY=VALUE", in order
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::set<std::string> volumes;
  std::string working_dir;
  std::map<std::string, std::string> labels;
  std::string stop_signal;
  bool args_escaped = false;
  std::optional<HealthConfig> healthcheck;
  std::vector<std::string> on_build;
  std::vector<std::string> shell;

  // "rootfs" and "history"
  std::vector<std::string> diff_ids; // "sha256:<hex>", one per layer, bottom first
  std::vector<HistoryEntry> history;

  friend bool operator==(const ImageConfig&, const ImageConfig&) = default;
};

// The canonical config bytes (the blob whose digest the manifest names).
std::string image_config_json(const ImageConfig& config);

// Reads a config blob (e.g. a base image's); unknown fields are dropped as
// BuildKit drops them. Fails on invalid JSON or a field of the wrong type.
support::Result<ImageConfig> parse_image_config(std::string_view json);

// The value of `key` in an "ENV"-style list, if set.
std::optional<std::string> env_value(const std::vector<std::string>& env, std::string_view key);
// The PATH of an image whose base sets none, as BuildKit writes it (and the
// one a RUN, a program lookup or a script's commands fall back to).
inline constexpr std::string_view k_default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Sets `key` in the list, replacing an existing entry in place (as ENV does).
void set_env(std::vector<std::string>& env, std::string_view key, std::string_view value);

} // namespace distill::backend::oci
