#pragma once

// The cache of RUN results: a step's key covers everything that can change
// what it writes (parent layers, command, env, user, workdir, network, the
// content of bind mounts, the ids of secrets but never their values); its
// captured layer is kept in <cache>/steps/<key>/ (see capture.hpp), moved
// there whole by one rename.

#include "backend/sandbox/run_mounts.hpp"
#include "planner/ir.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace distill::backend::sandbox {

// The hex key of a step; fails when a bind source cannot be read.
support::Result<std::string> step_cache_key(const planner::Run& run,
                                            const std::vector<std::string>& layer_digests,
                                            const std::vector<PreparedMount>& mounts,
                                            const std::string& network, bool single_id_map);

// A hash of the names, types, modes, link targets and contents below `path`
// (a file or a directory); fails on unreadable entries.
support::Result<std::string> content_hash(const std::filesystem::path& path);

// <cache>/steps/<key> when it holds a complete capture, else empty.
std::filesystem::path find_cached_step(const std::filesystem::path& cache_dir, const std::string& key);

// Moves the finished capture `temp` to <cache>/steps/<key> (replacing an older
// one) and returns the final path; fails when the rename fails.
support::Result<std::filesystem::path> store_step(const std::filesystem::path& cache_dir,
                                                  const std::string& key,
                                                  const std::filesystem::path& temp);

} // namespace distill::backend::sandbox
