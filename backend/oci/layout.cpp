#include "backend/oci/layout.hpp"

#include "backend/layer/blob_dir.hpp"
#include "backend/oci/json.hpp"
#include "backend/oci/media_types.hpp"
#include "support/atomic_file.hpp"
#include "support/sha256.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include <fcntl.h>
#include <fmt/ranges.h>
#include <sys/file.h>
#include <unistd.h>

namespace distill::backend::oci {

namespace stdfs = std::filesystem;
using support::fail;
using support::Result;

namespace {

constexpr std::string_view k_layout_file = "{\"imageLayoutVersion\":\"1.0.0\"}";

// An exclusive flock on the layout directory for a read-modify-write of
// index.json by concurrent distill processes.
class LayoutLock {
public:
  explicit LayoutLock(const stdfs::path& dir) {
    m_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (m_fd >= 0) {
      while (::flock(m_fd, LOCK_EX) != 0 && errno == EINTR) {
      }
    }
  }
  ~LayoutLock() {
    if (m_fd >= 0) {
      ::close(m_fd); // releases the lock
    }
  }
  LayoutLock(const LayoutLock&) = delete;
  LayoutLock& operator=(const LayoutLock&) = delete;
  bool locked() const { return m_fd >= 0; }

private:
  int m_fd = -1;
};

bool is_manifest(const Descriptor& d) { return d.media_type == k_manifest_type; }

void sort_entries(std::vector<Descriptor>& manifests) {
  std::stable_sort(manifests.begin(), manifests.end(), [](const Descriptor& a, const Descriptor& b) {
    const std::string ra = ref_name(a);
    const std::string rb = ref_name(b);
    if (ra.empty() != rb.empty()) {
      return !ra.empty(); // tagged first
    }
    return ra != rb ? ra < rb : a.digest < b.digest;
  });
}

Result<void> write_index(const stdfs::path& layout, const Index& index) {
  return support::write_file_atomic(layout / "index.json", index_json(index));
}

// Drops untagged artifact entries whose subject no longer appears in the index.
void drop_orphans(const stdfs::path& layout, Index& index) {
  std::set<std::string> listed;
  for (const auto& d : index.manifests) {
    listed.insert(d.digest);
  }
  std::erase_if(index.manifests, [&](const Descriptor& d) {
    if (!ref_name(d).empty() || d.artifact_type.empty()) {
      return false;
    }
    auto bytes = read_blob(layout, d);
    if (!bytes) {
      return true; // a dangling untagged entry helps nobody
    }
    auto manifest = parse_manifest(*bytes);
    return manifest && manifest->subject && !listed.contains(manifest->subject->digest);
  });
}

} // namespace

stdfs::path blobs_dir(const stdfs::path& layout) { return layout / "blobs"; }

Result<void> init_layout(const stdfs::path& dir) {
  std::error_code ec;
  const auto marker = dir / "oci-layout";
  if (stdfs::exists(marker, ec)) {
    auto text = support::read_file(marker);
    if (!text) {
      return std::unexpected(text.error());
    }
    if (text->find("imageLayoutVersion") == std::string::npos) {
      return fail("{} is not an OCI image layout (bad oci-layout file)", dir.string());
    }
  } else {
    if (stdfs::exists(dir, ec) && !stdfs::is_empty(dir, ec)) {
      return fail("{} exists and is not an OCI image layout; pick an empty or new directory",
                  dir.string());
    }
    stdfs::create_directories(dir / "blobs" / "sha256", ec);
    if (ec) {
      return fail("creating {}: {}", dir.string(), ec.message());
    }
    if (auto ok = support::write_file_atomic(marker, k_layout_file); !ok) {
      return ok;
    }
  }
  stdfs::create_directories(dir / "blobs" / "sha256", ec);
  if (ec) {
    return fail("creating {}: {}", (dir / "blobs").string(), ec.message());
  }
  if (!stdfs::exists(dir / "index.json", ec)) {
    LayoutLock lock(dir);
    if (!stdfs::exists(dir / "index.json", ec)) {
      return write_index(dir, Index{});
    }
  }
  return {};
}

Result<Index> read_index(const stdfs::path& layout) {
  auto text = support::read_file(layout / "index.json");
  if (!text) {
    return fail("{} is not an OCI image layout: no readable index.json", layout.string());
  }
  auto index = parse_index(*text);
  if (!index) {
    return std::unexpected(index.error().context((layout / "index.json").string()));
  }
  return index;
}

Result<void> add_to_index(const stdfs::path& layout, const Descriptor& manifest,
                          std::span<const std::string> tags) {
  LayoutLock lock(layout);
  if (!lock.locked()) {
    return fail("cannot open {} to lock it: {}", layout.string(), std::strerror(errno));
  }
  auto index = read_index(layout);
  if (!index) {
    return std::unexpected(index.error());
  }
  Descriptor entry = manifest;
  entry.annotations.erase(std::string(k_ref_name));
  if (tags.empty()) {
    std::erase_if(index->manifests, [&](const Descriptor& d) {
      return ref_name(d).empty() && d.digest == entry.digest;
    });
    index->manifests.push_back(entry);
  }
  for (const auto& tag : tags) {
    std::erase_if(index->manifests, [&](const Descriptor& d) { return ref_name(d) == tag; });
    Descriptor tagged = entry;
    tagged.annotations[std::string(k_ref_name)] = tag;
    index->manifests.push_back(std::move(tagged));
  }
  drop_orphans(layout, *index);
  sort_entries(index->manifests);
  return write_index(layout, *index);
}

Result<bool> remove_tag(const stdfs::path& layout, std::string_view tag) {
  LayoutLock lock(layout);
  auto index = read_index(layout);
  if (!index) {
    return std::unexpected(index.error());
  }
  const auto removed = std::erase_if(index->manifests,
                                     [&](const Descriptor& d) { return ref_name(d) == tag; });
  if (removed == 0) {
    return false;
  }
  drop_orphans(layout, *index);
  if (auto ok = write_index(layout, *index); !ok) {
    return std::unexpected(ok.error());
  }
  return true;
}

Result<Descriptor> resolve_tag(const stdfs::path& layout, std::string_view tag) {
  auto index = read_index(layout);
  if (!index) {
    return std::unexpected(index.error());
  }
  std::vector<std::string> names;
  const Descriptor* only = nullptr;
  int images = 0;
  for (const auto& d : index->manifests) {
    const std::string name = ref_name(d);
    // A digest names the entry itself (oci-layout://DIR@sha256:..., as BuildKit accepts).
    if (!tag.empty() && (name == tag || (tag.starts_with("sha256:") && d.digest == tag))) {
      return d;
    }
    if (!name.empty()) {
      names.push_back(name);
    }
    if (d.artifact_type.empty() && (is_manifest(d) || d.media_type == k_index_type)) {
      only = &d;
      ++images;
    }
  }
  if (tag.empty() && images == 1) {
    return *only;
  }
  const std::string known = names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
  if (tag.empty()) {
    return fail("{} holds {} images; name one by tag (tags: {})", layout.string(), images, known);
  }
  return fail("no image tagged {:?} in {} (tags: {})", std::string(tag), layout.string(), known);
}

Result<std::string> read_blob(const stdfs::path& layout, const Descriptor& descriptor) {
  if (!valid_digest(descriptor.digest)) {
    return fail("malformed digest {:?}", descriptor.digest);
  }
  const auto path = layer::blob_path(blobs_dir(layout), descriptor.digest);
  auto bytes = support::read_file(path);
  if (!bytes) {
    return fail("blob {} is missing from {}", descriptor.digest, layout.string());
  }
  if (bytes->size() != descriptor.size ||
      (descriptor.digest.starts_with("sha256:") &&
       "sha256:" + support::sha256_hex(*bytes) != descriptor.digest)) {
    return fail("blob {} in {} does not match its digest or size", descriptor.digest,
                layout.string());
  }
  return bytes;
}

Result<Descriptor> write_json_blob(const stdfs::path& layout, std::string_view media_type,
                                   std::string_view bytes) {
  auto stored = layer::write_blob(blobs_dir(layout), bytes);
  if (!stored) {
    return std::unexpected(stored.error());
  }
  return describe(media_type, bytes);
}

Result<StoredImage> read_image(const stdfs::path& layout, std::string_view tag) {
  auto descriptor = resolve_tag(layout, tag);
  if (!descriptor) {
    return std::unexpected(descriptor.error());
  }
  if (!is_manifest(*descriptor)) {
    return fail("{:?} in {} is a {}, not a single-platform image manifest", std::string(tag),
                layout.string(), descriptor->media_type);
  }
  auto bytes = read_blob(layout, *descriptor);
  if (!bytes) {
    return std::unexpected(bytes.error());
  }
  auto manifest = parse_manifest(*bytes);
  if (!manifest) {
    return std::unexpected(manifest.error());
  }
  auto config_bytes = read_blob(layout, manifest->config);
  if (!config_bytes) {
    return std::unexpected(config_bytes.error());
  }
  auto config = parse_image_config(*config_bytes);
  if (!config) {
    return std::unexpected(config.error());
  }
  return StoredImage{*descriptor, std::move(*manifest), std::move(*config)};
}

} // namespace distill::backend::oci
