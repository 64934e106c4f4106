#include "backend/oci/archive_export.hpp"

#include "backend/fs/tree.hpp"
#include "backend/layer/blob_dir.hpp"
#include "backend/layer/compression.hpp"
#include "backend/layer/tar_writer.hpp"
#include "backend/oci/json.hpp"
#include "backend/oci/layout.hpp"
#include "backend/oci/media_types.hpp"
#include "support/sha256.hpp"

#include <cerrno>
#include <cstring>
#include <set>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace distill::backend::oci {

namespace stdfs = std::filesystem;
using support::fail;
using support::Result;

namespace {

// A file written through a temporary name in the destination's directory.
class AtomicOutput {
public:
  ~AtomicOutput() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    if (!m_temp.empty()) {
      ::unlink(m_temp.c_str());
    }
  }

  Result<void> open(const stdfs::path& dest) {
    m_dest = dest;
    std::error_code ec;
    if (dest.has_parent_path()) {
      stdfs::create_directories(dest.parent_path(), ec);
    }
    m_temp = dest.string() + ".partial-XXXXXX";
    m_fd = ::mkstemp(m_temp.data());
    if (m_fd < 0) {
      m_temp.clear();
      return fail("creating {}: {}", dest.string(), std::strerror(errno));
    }
    return {};
  }

  Result<void> write(std::string_view data) {
    while (!data.empty()) {
      const auto n = ::write(m_fd, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        return fail("writing {}: {}", m_dest.string(), std::strerror(errno));
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
  }

  Result<void> commit() {
    if (::fchmod(m_fd, 0644) != 0 || ::fsync(m_fd) != 0 || ::close(m_fd) != 0) {
      m_fd = -1;
      return fail("writing {}: {}", m_dest.string(), std::strerror(errno));
    }
    m_fd = -1;
    if (::rename(m_temp.c_str(), m_dest.c_str()) != 0) {
      return fail("renaming {} into place: {}", m_dest.string(), std::strerror(errno));
    }
    m_temp.clear();
    return {};
  }

private:
  stdfs::path m_dest;
  std::string m_temp;
  int m_fd = -1;
};

// A scratch directory next to the destination, removed on scope exit.
class ScratchDir {
public:
  ~ScratchDir() {
    if (!m_path.empty()) {
      std::error_code ec;
      stdfs::remove_all(m_path, ec);
    }
  }
  Result<void> create(const stdfs::path& near) {
    std::string pattern =
        ((near.has_parent_path() ? near.parent_path() : stdfs::path(".")) / ".distill-export-XXXXXX")
            .string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return fail("creating a scratch directory next to {}: {}", near.string(), std::strerror(errno));
    }
    m_path = pattern;
    return {};
  }
  const stdfs::path& path() const { return m_path; }

private:
  stdfs::path m_path;
};

fs::Entry archive_file(fs::Content content, std::int64_t mtime) {
  return fs::make_file(std::move(content), 0644, mtime);
}

Result<void> add_blob(fs::Tree& tree, const stdfs::path& layout, const Descriptor& d,
                      std::int64_t mtime) {
  const auto path = layer::blob_path(blobs_dir(layout), d.digest);
  struct stat st {};
  if (!valid_digest(d.digest) || ::stat(path.c_str(), &st) != 0 ||
      static_cast<std::uint64_t>(st.st_size) != d.size) {
    return fail("blob {} is missing from {} or has the wrong size", d.digest, layout.string());
  }
  const auto colon = d.digest.find(':');
  return tree.add("/blobs/" + d.digest.substr(0, colon) + "/" + d.digest.substr(colon + 1),
                  archive_file(fs::Content::from_file(path, d.size), mtime));
}

Result<void> write_tree(const fs::Tree& tree, const stdfs::path& dest, std::int64_t mtime) {
  AtomicOutput out;
  if (auto ok = out.open(dest); !ok) {
    return ok;
  }
  layer::TarOptions options;
  options.source_date_epoch = mtime;
  const layer::ByteSink sink = [&](std::string_view bytes) { return out.write(bytes); };
  if (auto ok = layer::write_tar(tree, options, sink); !ok) {
    return std::unexpected(ok.error().context(dest.string()));
  }
  return out.commit();
}

// "registry/name:tag" -> {"registry/name", "tag"}; no tag means "latest".
std::pair<std::string, std::string> split_repo_tag(const std::string& repo_tag) {
  const auto slash = repo_tag.rfind('/');
  const auto colon = repo_tag.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) {
    return {repo_tag, "latest"};
  }
  return {repo_tag.substr(0, colon), repo_tag.substr(colon + 1)};
}

} // namespace

Result<void> write_oci_archive(const stdfs::path& layout, std::span<const std::string> tags,
                               const stdfs::path& dest, std::int64_t mtime) {
  auto index = read_index(layout);
  if (!index) {
    return std::unexpected(index.error());
  }
  Index out;
  std::set<std::string> subjects;
  for (const auto& tag : tags) {
    auto found = resolve_tag(layout, tag);
    if (!found) {
      return std::unexpected(found.error());
    }
    out.manifests.push_back(*found);
    subjects.insert(found->digest);
  }
  fs::Tree tree;
  std::set<std::string> blobs;
  auto add_manifest_blobs = [&](const Descriptor& d) -> Result<void> {
    auto bytes = read_blob(layout, d);
    if (!bytes) {
      return std::unexpected(bytes.error());
    }
    std::vector<Descriptor> reach{d};
    if (d.media_type == k_index_type) {
      return fail("{} is an image index; exporting nested indexes is not supported", d.digest);
    }
    auto manifest = parse_manifest(*bytes);
    if (!manifest) {
      return std::unexpected(manifest.error());
    }
    reach.push_back(manifest->config);
    reach.insert(reach.end(), manifest->layers.begin(), manifest->layers.end());
    for (const auto& blob : reach) {
      if (blobs.insert(blob.digest).second) {
        if (auto ok = add_blob(tree, layout, blob, mtime); !ok) {
          return ok;
        }
      }
    }
    return {};
  };
  for (const auto& d : out.manifests) {
    if (auto ok = add_manifest_blobs(d); !ok) {
      return ok;
    }
  }
  // Referrers (SBOMs) of the exported images come along.
  for (const auto& d : index->manifests) {
    if (d.artifact_type.empty() || !ref_name(d).empty()) {
      continue;
    }
    auto bytes = read_blob(layout, d);
    auto manifest = bytes ? parse_manifest(*bytes) : Result<Manifest>(std::unexpected(bytes.error()));
    if (manifest && manifest->subject && subjects.contains(manifest->subject->digest)) {
      if (auto ok = add_manifest_blobs(d); !ok) {
        return ok;
      }
      out.manifests.push_back(d);
    }
  }
  auto added = tree.add("/oci-layout", archive_file(fs::Content::from_bytes(
                                                        "{\"imageLayoutVersion\":\"1.0.0\"}"),
                                                    mtime));
  if (added) {
    added = tree.add("/index.json", archive_file(fs::Content::from_bytes(index_json(out)), mtime));
  }
  if (!added) {
    return std::unexpected(added.error());
  }
  return write_tree(tree, dest, mtime);
}

Result<void> write_docker_archive(const stdfs::path& layout, std::string_view tag,
                                  std::span<const std::string> repo_tags, const stdfs::path& dest,
                                  std::int64_t mtime) {
  auto image = read_image(layout, tag);
  if (!image) {
    return std::unexpected(image.error());
  }
  if (image->manifest.layers.size() != image->config.diff_ids.size()) {
    return fail("image {:?} has {} layers but {} diff_ids", std::string(tag),
                image->manifest.layers.size(), image->config.diff_ids.size());
  }
  ScratchDir scratch;
  if (auto ok = scratch.create(dest); !ok) {
    return ok;
  }
  fs::Tree tree;
  const std::string config_hex = image->manifest.config.digest.substr(7);
  auto config_bytes = read_blob(layout, image->manifest.config);
  if (!config_bytes) {
    return std::unexpected(config_bytes.error());
  }
  (void)tree.add("/" + config_hex + ".json",
                 archive_file(fs::Content::from_bytes(*config_bytes), mtime));

  nlohmann::json layer_names = nlohmann::json::array();
  for (std::size_t i = 0; i < image->manifest.layers.size(); ++i) {
    const auto& blob = image->manifest.layers[i];
    const std::string& diff_id = image->config.diff_ids[i];
    if (!diff_id.starts_with("sha256:") || !valid_digest(diff_id)) {
      return fail("image {:?}: malformed diff_id {:?}", std::string(tag), diff_id);
    }
    const std::string name = diff_id.substr(7) + ".tar";
    layer_names.push_back(name);
    if (tree.contains("/" + name)) {
      continue; // the same layer twice
    }
    // Docker archives carry uncompressed layers: decompress into scratch,
    // checking the result against the diff_id.
    const auto temp = scratch.path() / name;
    AtomicOutput out;
    if (auto ok = out.open(temp); !ok) {
      return ok;
    }
    auto info = layer::decompress_file(layer::blob_path(blobs_dir(layout), blob.digest),
                                       [&](std::string_view bytes) { return out.write(bytes); });
    if (!info) {
      return std::unexpected(info.error());
    }
    if ("sha256:" + info->sha256 != diff_id) {
      return fail("layer {} does not decompress to its diff_id {}", blob.digest, diff_id);
    }
    if (auto ok = out.commit(); !ok) {
      return ok;
    }
    (void)tree.add("/" + name, archive_file(fs::Content::from_file(temp, info->size), mtime));
  }

  nlohmann::json entry = {{"Config", config_hex + ".json"},
                          {"RepoTags", std::vector<std::string>(repo_tags.begin(), repo_tags.end())},
                          {"Layers", layer_names}};
  const std::string manifest = canonical_json(nlohmann::json::array({entry}));
  // "repositories" is the pre-manifest.json format: repo -> tag -> top layer id.
  nlohmann::json repositories = nlohmann::json::object();
  if (!image->config.diff_ids.empty()) {
    // The legacy top layer id: the chain id of the whole stack.
    std::string chain = image->config.diff_ids.front();
    for (std::size_t i = 1; i < image->config.diff_ids.size(); ++i) {
      chain = "sha256:" + support::sha256_hex(chain + " " + image->config.diff_ids[i]);
    }
    for (const auto& repo_tag : repo_tags) {
      auto [repo, repo_tag_name] = split_repo_tag(repo_tag);
      repositories[repo][repo_tag_name] = chain.substr(7);
    }
  }
  auto added = tree.add("/manifest.json", archive_file(fs::Content::from_bytes(manifest), mtime));
  if (added) {
    added = tree.add("/repositories",
                     archive_file(fs::Content::from_bytes(canonical_json(repositories)), mtime));
  }
  if (!added) {
    return std::unexpected(added.error());
  }
  return write_tree(tree, dest, mtime);
}

} // namespace distill::backend::oci
