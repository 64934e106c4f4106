#pragma once

// What happens to a built image: tags in the local store, the -o outputs,
// --iidfile, --metadata-file, and the summary for the user.

#include "backend/build/build_options.hpp"
#include "backend/build/executor.hpp"
#include "backend/oci/image_writer.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <functional>
#include <string>

namespace distill::cli {

// The built image's files, read when an output needs them.
using RootfsLoader = std::function<support::Result<const backend::fs::Tree*>()>;

// Writes every output the options ask for; the image's blobs are already in
// `layout` (the local store). Prints the digest, size and how to run it.
// Registry outputs (--push, -o type=image) are left to the caller.
support::Result<void> write_outputs(const backend::build::BuildOptions& options,
                                    const std::filesystem::path& layout,
                                    const backend::oci::WrittenImage& image,
                                    const backend::build::BuiltStage& built, const RootfsLoader& rootfs);

// The name the store gives `-t NAME`: "app" -> "app:latest", as docker does;
// a name with a tag or digest stays as it is.
std::string store_tag(const std::string& name);

// The command that runs `tag` from the store at `layout` with podman.
std::string run_hint(const std::filesystem::path& layout, const std::string& tag);

} // namespace distill::cli
