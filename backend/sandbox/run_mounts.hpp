#pragma once

// RUN --mount options turned into what the sandbox mounts: targets made
// absolute (relative ones against WORKDIR), bind sources resolved inside the
// context or stage directory, secrets read from the caller's sources, cache
// ids defaulted to the target. type=ssh is refused.

#include "backend/fs/tree.hpp"
#include "planner/ir.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace distill::backend::sandbox {

// A secret given to the build: `distill build --secret id=x,src=FILE|env=VAR`.
struct SecretSource {
  std::string id;
  std::filesystem::path file; // src=FILE
  std::string env;            // env=VAR (read from this process's environment)
};

// Where type=bind sources come from.
struct BindSources {
  std::filesystem::path context_dir;                        // no from=
  std::map<int, std::filesystem::path> stage_dirs;          // from=<stage>, by Mount::from_stage
  std::map<int, const fs::Tree*> stage_trees;               // from=<stage> when only its tree exists
  std::map<std::string, std::filesystem::path> named_dirs;  // from=<image or name>, by Mount::from
};

struct PreparedMount {
  planner::MountType type = planner::MountType::bind;
  std::string target;             // absolute in-root path
  std::filesystem::path source;   // bind: host file or directory
  bool readonly = false;
  std::string cache_id;           // cache: id (defaults to the target)
  std::string sharing = "shared"; // cache
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint32_t mode = 0755;
  std::optional<unsigned long long> size; // tmpfs
  std::string secret_id;
  std::string secret_value;       // secret content (never written to the rootfs)
  std::string secret_env;         // secret: exposed as this env variable instead of / as well as a file
  bool secret_file = true;        // secret: mounted as a file at target
};

// Prepares run.mounts; fails on type=ssh, a missing required secret, a bind
// source outside its root or missing, or a target of "/".
support::Result<std::vector<PreparedMount>> prepare_mounts(const planner::Run& run,
                                                           const BindSources& binds,
                                                           const std::vector<SecretSource>& secrets);

} // namespace distill::backend::sandbox
