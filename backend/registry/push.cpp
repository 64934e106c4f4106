#include "backend/registry/push.hpp"

#include "backend/oci/layout.hpp"
#include "backend/registry/media_types.hpp"
#include "support/parallel.hpp"

#include <map>
#include <memory>
#include <set>

#include <fmt/ranges.h>

namespace distill::backend::registry {

namespace {

using support::fail;
using support::Result;

std::filesystem::path blob_file(const std::filesystem::path& layout, const std::string& digest) {
  return oci::blobs_dir(layout) / "sha256" / digest.substr(digest.find(':') + 1);
}

// The manifests to store, children before the index that names them.
struct Plan {
  std::vector<oci::Descriptor> blobs;     // configs and layers, each once
  std::vector<std::pair<oci::Descriptor, std::string>> manifests; // with their bytes
};

Result<void> collect(const std::filesystem::path& layout, const oci::Descriptor& descriptor, Plan& plan,
                     std::set<std::string>& seen, int depth) {
  if (depth > 4) {
    return fail("the index nests too deeply");
  }
  auto bytes = oci::read_blob(layout, descriptor);
  if (!bytes) {
    return std::unexpected(bytes.error());
  }
  if (is_index_type(descriptor.media_type)) {
    auto index = oci::parse_index(*bytes);
    if (!index) {
      return std::unexpected(index.error());
    }
    for (const auto& child : index->manifests) {
      if (auto done = collect(layout, child, plan, seen, depth + 1); !done) {
        return done;
      }
    }
  } else {
    auto manifest = oci::parse_manifest(*bytes);
    if (!manifest) {
      return std::unexpected(manifest.error());
    }
    std::vector<oci::Descriptor> blobs = {manifest->config};
    blobs.insert(blobs.end(), manifest->layers.begin(), manifest->layers.end());
    for (const auto& blob : blobs) {
      if (seen.insert(blob.digest).second) {
        plan.blobs.push_back(blob);
      }
    }
  }
  plan.manifests.emplace_back(descriptor, std::move(*bytes));
  return {};
}

Result<void> upload_all(Session& session, const std::string& repo, const std::filesystem::path& layout,
                        const std::vector<oci::Descriptor>& blobs, const std::string& mount_from,
                        const ClientOptions& options, const std::function<void(std::string_view)>& log) {
  std::vector<std::string> errors(blobs.size());
  const auto threads = static_cast<unsigned>(std::max(1, options.max_parallel));
  support::parallel_for(blobs.size(), threads, [&](std::size_t i) {
    const auto& blob = blobs[i];
    if (log) {
      log(fmt::format("pushing blob {} ({} bytes) to {}/{}", blob.digest, blob.size, session.domain(), repo));
    }
    auto done = session.upload_blob(repo, blob.digest, blob.size, blob_file(layout, blob.digest), mount_from);
    if (!done) {
      errors[i] = done.error().message;
    }
    return true; // every blob is tried: one failure says little about the others
  });
  std::erase(errors, std::string());
  if (!errors.empty()) {
    return fail("{}", fmt::join(errors, "; "));
  }
  return {};
}

} // namespace

Result<std::string> push_image(const std::filesystem::path& layout, const oci::Descriptor& manifest,
                               std::span<const Reference> targets, const ClientOptions& options,
                               const std::function<void(std::string_view)>& log) {
  Plan plan;
  std::set<std::string> seen;
  if (auto collected = collect(layout, manifest, plan, seen, 0); !collected) {
    return std::unexpected(collected.error().context(fmt::format("reading the image {}", manifest.digest)));
  }
  // One session per registry; the first repository pushed on it lends blobs to the next.
  std::map<std::string, std::unique_ptr<Session>> sessions;
  std::map<std::string, std::string> first_repo;
  std::set<std::string> pushed_repos;
  for (const auto& target : targets) {
    auto& session = sessions[target.domain];
    if (!session) {
      session = std::make_unique<Session>(target.domain, options);
    }
    const auto repo_key = name_of(target);
    const auto name = to_string(target);
    if (pushed_repos.insert(repo_key).second) {
      const auto mount_from = first_repo.contains(target.domain) ? first_repo[target.domain] : std::string();
      if (auto uploaded = upload_all(*session, target.path, layout, plan.blobs, mount_from, options, log); !uploaded) {
        return std::unexpected(uploaded.error().context(fmt::format("pushing {}", name)));
      }
      // Children first: a registry rejects an index naming unknown manifests.
      for (std::size_t i = 0; i + 1 < plan.manifests.size(); ++i) {
        const auto& [descriptor, bytes] = plan.manifests[i];
        auto stored = session->put_manifest(target.path, descriptor.digest, descriptor.media_type, bytes);
        if (!stored) {
          return std::unexpected(stored.error().context(fmt::format("pushing {}", name)));
        }
      }
      first_repo.try_emplace(target.domain, target.path);
    }
    const auto& [top, bytes] = plan.manifests.back();
    const std::string ref = target.tag.empty() ? top.digest : target.tag;
    if (!target.digest.empty() && target.digest != top.digest) {
      return fail("pushing {}: the reference names digest {} but the image is {}", name, target.digest, top.digest);
    }
    auto stored = session->put_manifest(target.path, ref, top.media_type, bytes);
    if (!stored) {
      return std::unexpected(stored.error().context(fmt::format("pushing {}", name)));
    }
    if (log) {
      log(fmt::format("pushed {}@{}", name_of(target) + (target.tag.empty() ? "" : ":" + target.tag), *stored));
    }
  }
  return manifest.digest;
}

} // namespace distill::backend::registry
