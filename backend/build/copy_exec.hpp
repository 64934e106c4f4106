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

// Builds the layer that `op` adds. Fails like BuildKit when a source is
// missing ("COPY failed: file not found in build context: NAME"), when
// several sources go to a destination that is not a directory, or when a
// --chown name is unknown in the image.
support::Result<fs::Tree> execute_copy(const planner::Copy& op, const CopyInputs& inputs);

} // namespace distill::backend::build
