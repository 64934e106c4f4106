#pragma once

// COPY and ADD: the files an op names, as a layer tree.

#include "backend/build/build_context.hpp"
#include "backend/fs/tree.hpp"
#include "planner/ir.hpp"
#include "support/error.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace distill::backend::build {

struct CopyInputs {
  const BuildContext* context = nullptr;             // for sources from the context
  const std::vector<std::string>* context_paths = nullptr; // list_context() of it
  const fs::Tree* from_rootfs = nullptr;             // --from=STAGE: that stage's rootfs
  const fs::Tree* rootfs = nullptr;                  // the stage being built (dest side)
  std::int64_t epoch = 0;                            // SOURCE_DATE_EPOCH: mtimes are clamped to it
  // ADD <url>: the downloaded file for (url, --checksum); unset = URLs fail.
  std::function<support::Result<std::filesystem::path>(const std::string&, const std::string&)> download;
};

// One entry a COPY takes, before it is placed.
struct CopyItem {
  std::string relative; // below the source; "" for the source itself
  fs::Entry entry;
  bool from_archive = false; // unpacked by ADD: keeps its owners; hard links are archive-relative
};

// One source of a COPY as it matched, with its entries (the source itself first).
struct CopySource {
  std::string name;
  std::vector<CopyItem> items;
};

// Reads what `op` copies: from the context, a stage (`from_rootfs`), inline
// heredocs or downloads. The destination side (`rootfs`) is not needed, so a
// build can key the step by its sources before it has the image's files.
support::Result<std::vector<CopySource>> collect_copy_sources(const planner::Copy& op, const CopyInputs& inputs);

// A hex digest of sources: names, types, modes, owners, link targets and
// file contents. Fails when a file cannot be read.
support::Result<std::string> copy_sources_digest(const std::vector<CopySource>& sources);

// The layer of `op` from its collected sources; needs `inputs.rootfs` (an
// existing destination directory, --chown names).
support::Result<fs::Tree> place_copy_sources(const planner::Copy& op, std::vector<CopySource> sources,
                                             const CopyInputs& inputs);

// collect_copy_sources + place_copy_sources: builds the layer that `op` adds. Fails like BuildKit when a source is
// missing ("COPY failed: file not found in build context: NAME"), when
// several sources go to a destination that is not a directory, or when a
// --chown name is unknown in the image.
support::Result<fs::Tree> execute_copy(const planner::Copy& op, const CopyInputs& inputs);

} // namespace distill::backend::build
