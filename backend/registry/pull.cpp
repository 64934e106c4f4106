#include "backend/registry/pull.hpp"

#include "backend/oci/layout.hpp"
#include "backend/oci/media_types.hpp"
#include "backend/registry/media_types.hpp"
#include "backend/registry/platform.hpp"
#include "support/parallel.hpp"
#include "support/sha256.hpp"


#include <fmt/ranges.h>

namespace distill::backend::registry {

namespace {

using support::fail;
using support::Result;

std::string hex_of(const std::string& digest) { return digest.substr(digest.find(':') + 1); }

// Docker's layer and config types name the same bytes as OCI's.
std::string oci_type(const std::string& type) {
  if (type == k_docker_layer) {
    return "application/vnd.oci.image.layer.v1.tar+gzip";
  }
  if (type == "application/vnd.docker.image.rootfs.diff.tar") {
    return "application/vnd.oci.image.layer.v1.tar";
  }
  if (type == k_docker_config) {
    return std::string(oci::k_config_type);
  }
  if (type == k_docker_manifest) {
    return std::string(k_oci_manifest);
  }
  return type;
}

// A manifest from the cache when its digest is known and present, else from
// the registry; cached once its digest checked out.
Result<ManifestBytes> manifest(Session& session, const std::string& repo, const std::string& ref,
                               const fetch::Cache& cache) {
  if (ref.starts_with("sha256:") && cache.contains(hex_of(ref))) {
    auto bytes = cache.read_blob(hex_of(ref));
    if (bytes) {
      ManifestBytes out;
      out.bytes = std::move(*bytes);
      out.digest = ref;
      try {
        const auto parsed = nlohmann::json::parse(out.bytes);
        out.media_type = parsed.value("mediaType", "");
        if (out.media_type.empty()) {
          out.media_type = parsed.contains("manifests") ? std::string(k_oci_index) : std::string(k_oci_manifest);
        }
        return out;
      } catch (const nlohmann::json::exception&) {
        // A bad cache entry: ask the registry.
      }
    }
  }
  if (cache.offline()) {
    return fail("{}/{}@{}: not in the cache and the build is offline", session.domain(), repo, ref);
  }
  auto fetched = session.get_manifest(repo, ref);
  if (!fetched) {
    return fetched;
  }
  if (auto stored = cache.insert_bytes(fetched->bytes); !stored) {
    return std::unexpected(stored.error());
  }
  return fetched;
}

// Downloads the blobs the cache lacks, a few at a time.
Result<void> fetch_blobs(Session& session, const std::string& repo, const std::vector<oci::Descriptor>& blobs,
                         const fetch::Cache& cache, const ClientOptions& options,
                         const std::function<void(std::string_view)>& log) {
  std::vector<const oci::Descriptor*> missing;
  for (const auto& blob : blobs) {
    if (!blob.digest.starts_with("sha256:") || !fetch::is_sha256_hex(hex_of(blob.digest))) {
      return fail("{}/{}: unsupported blob digest \"{}\" (only sha256)", session.domain(), repo, blob.digest);
    }
    if (!cache.contains(hex_of(blob.digest), blob.size)) {
      missing.push_back(&blob);
    }
  }
  if (missing.empty()) {
    return {};
  }
  if (cache.offline()) {
    std::vector<std::string> names;
    for (const auto* blob : missing) {
      names.push_back(blob->digest);
    }
    return fail("{}/{}: blobs not in the cache and the build is offline: {}", session.domain(), repo,
                fmt::join(names, ", "));
  }
  std::vector<std::string> errors(missing.size());
  const auto threads = static_cast<unsigned>(std::max(1, options.max_parallel));
  support::parallel_for(missing.size(), threads, [&](std::size_t i) {
    const auto& blob = *missing[i];
    const auto hex = hex_of(blob.digest);
    auto lock = cache.lock_entry(hex, true);
    Result<void> done;
    if (!lock) {
      done = std::unexpected(lock.error());
    } else if (!cache.contains(hex, blob.size)) { // another process may have fetched it meanwhile
      if (log) {
        log(fmt::format("pulling blob {} ({} bytes)", blob.digest, blob.size));
      }
      const auto partial = cache.partial_path(hex);
      done = session.download_blob(repo, blob.digest, blob.size, partial);
      if (done) {
        auto inserted = cache.insert_file(partial, hex, blob.size,
                                          fmt::format("{}/{}@{}", session.domain(), repo, blob.digest), &*lock);
        if (!inserted) {
          done = std::unexpected(inserted.error());
        }
      }
    }
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

Result<PulledImage> pull_from(Session& session, const Reference& ref, const oci::Platform& platform,
                              const fetch::Cache& cache, const ClientOptions& options,
                              const std::string& pinned_digest, const std::function<void(std::string_view)>& log) {
  const auto& repo = ref.path;
  const std::string top_ref = !pinned_digest.empty() ? pinned_digest : manifest_ref(ref);
  auto top = manifest(session, repo, top_ref, cache);
  if (!top) {
    return std::unexpected(top.error());
  }
  PulledImage out;
  out.reference = ref;
  out.resolved_digest = top->digest;
  ManifestBytes image = *top;
  if (is_index_type(top->media_type)) {
    auto index = oci::parse_index(top->bytes);
    if (!index) {
      return std::unexpected(index.error().context(to_string(ref)));
    }
    auto chosen = select_platform(*index, platform);
    if (!chosen) {
      return std::unexpected(chosen.error().context(to_string(ref)));
    }
    auto platform_manifest = manifest(session, repo, chosen->digest, cache);
    if (!platform_manifest) {
      return std::unexpected(platform_manifest.error());
    }
    image = std::move(*platform_manifest);
  } else if (!is_manifest_type(top->media_type)) {
    return fail("{}: unsupported manifest type {} (schema 1 and artifacts cannot be a base)", to_string(ref),
                top->media_type);
  }
  out.manifest_digest = image.digest;
  auto parsed = oci::parse_manifest(image.bytes);
  if (!parsed) {
    return std::unexpected(parsed.error().context(to_string(ref)));
  }
  out.manifest = std::move(*parsed);
  std::vector<oci::Descriptor> blobs = {out.manifest.config};
  blobs.insert(blobs.end(), out.manifest.layers.begin(), out.manifest.layers.end());
  if (auto fetched = fetch_blobs(session, repo, blobs, cache, options, log); !fetched) {
    return std::unexpected(fetched.error().context(fmt::format("pulling {}", to_string(ref))));
  }
  auto config_bytes = cache.read_blob(hex_of(out.manifest.config.digest));
  if (!config_bytes) {
    return std::unexpected(config_bytes.error());
  }
  out.config_bytes = std::move(*config_bytes);
  auto config = oci::parse_image_config(out.config_bytes);
  if (!config) {
    return std::unexpected(config.error().context(fmt::format("{}: image config", to_string(ref))));
  }
  out.config = std::move(*config);
  if (out.config.diff_ids.size() != out.manifest.layers.size()) {
    return fail("{}: the config lists {} layers (diff_ids) but the manifest {}", to_string(ref),
                out.config.diff_ids.size(), out.manifest.layers.size());
  }
  out.manifest.media_type = std::string(k_oci_manifest);
  out.manifest.config.media_type = oci_type(out.manifest.config.media_type);
  for (auto& layer : out.manifest.layers) {
    layer.media_type = oci_type(layer.media_type);
    out.layer_files.push_back(cache.blob_path(hex_of(layer.digest)));
  }
  return out;
}

} // namespace

Result<PulledImage> pull_image(const Reference& ref, const oci::Platform& platform, const fetch::Cache& cache,
                               const ClientOptions& options, const std::string& pinned_digest,
                               const std::function<void(std::string_view)>& log) {
  // Mirrors serve the default registry's images; the registry itself is the last resort.
  std::vector<std::string> domains;
  if (ref.domain == k_default_domain) {
    for (const auto& mirror : options.mirrors) {
      auto host = mirror;
      if (const auto scheme = host.find("://"); scheme != std::string::npos) {
        host = host.substr(scheme + 3);
      }
      while (!host.empty() && host.back() == '/') {
        host.pop_back();
      }
      domains.push_back(host);
    }
  }
  domains.push_back(ref.domain);
  std::vector<std::string> failures;
  for (const auto& domain : domains) {
    Session session(domain, options);
    auto pulled = pull_from(session, ref, platform, cache, options, pinned_digest, log);
    if (pulled || domains.size() == 1) {
      return pulled;
    }
    failures.push_back(fmt::format("{}: {}", domain, pulled.error().message));
  }
  return fail("pulling {}: every mirror failed: {}", to_string(ref), fmt::join(failures, "; "));
}

} // namespace distill::backend::registry
