#pragma once

// Pulling a registry image named by FROM or COPY --from, shared by the lock
// step (which reads the image's dpkg database and locks its digest) and the
// executor (which stacks its layers).

#include "backend/fetch/cache.hpp"
#include "backend/fs/tree.hpp"
#include "backend/registry/client.hpp"
#include "backend/registry/pull.hpp"
#include "support/error.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace distill::backend::build {

struct ImagePullRequest {
  std::string reference;     // as written in the Dockerfile
  std::string pinned_digest; // from FROM name@sha256:... or distill.lock; empty: the tag
  std::string platform;      // "linux/amd64"; empty: the default
  registry::ClientOptions client;
  std::function<void(std::string_view)> log;
};

// The image pulled into `cache` (blobs verified by digest); fails on a bad
// reference or platform, or naming the image when the registry fails.
support::Result<registry::PulledImage> pull_base_image(const ImagePullRequest& request, const fetch::Cache& cache);

// The image's filesystem: its layers read and stacked in order; fails naming
// the layer that cannot be read.
support::Result<fs::Tree> stack_layers(const registry::PulledImage& image);

} // namespace distill::backend::build
