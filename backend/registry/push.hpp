#pragma once

// Pushing an image (or an index and its images) from an OCI layout to one or
// more references: blobs the registry has are skipped (HEAD), a repository
// already pushed to on the same registry lends its blobs by cross-repository
// mount, the rest are uploaded (POST+PUT, PATCH chunks when large), then the
// manifests, then one manifest PUT per tag.

#include "backend/oci/descriptor.hpp"
#include "backend/registry/client.hpp"
#include "backend/registry/reference.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <functional>
#include <span>
#include <string>

namespace distill::backend::registry {

// Pushes what `manifest` (an image manifest or index of `layout`) names to
// every target; returns the manifest digest. Fails naming the target and the
// registry's answer.
support::Result<std::string> push_image(const std::filesystem::path& layout, const oci::Descriptor& manifest,
                                        std::span<const Reference> targets, const ClientOptions& options,
                                        const std::function<void(std::string_view)>& log = {});

} // namespace distill::backend::registry
