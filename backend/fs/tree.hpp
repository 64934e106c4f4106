#pragma once

// The in-memory model of a root filesystem or of one layer (like apko's tarfs):
// entries keyed by normalized absolute path ("/usr/bin/ls"; the root "/" is
// implicit and never stored). The deb unpacker, the sandbox, COPY and the
// layer reader fill it; the layer writer and the rootfs exporter read it.
//
// Note: this namespace is distill::backend::fs. Inside distill::backend, do not
// alias `namespace fs = std::filesystem;` (it would clash); use `stdfs` or spell
// std::filesystem out.

#include "support/error.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::fs {

enum class EntryType {
  regular,
  directory,
  symlink,
  hardlink,     // link_target = normalized absolute path of another regular entry
  char_device,
  block_device,
  fifo,
  whiteout,     // layers only: the path (and everything under it) is deleted
};

// Returns "regular", "directory", ...
std::string_view to_string(EntryType type);

// The bytes of a regular file: in memory, or a byte range of a file on disk so
// big files are never held in RAM. Cheap to copy (bytes are shared).
struct Content {
  std::shared_ptr<const std::string> bytes; // set when in memory
  std::filesystem::path disk_path;          // used when bytes is null and size > 0
  std::uint64_t disk_offset = 0;            // where the content starts in disk_path
  std::uint64_t size = 0;
  std::string sha256; // lower-case hex of the content if known, else empty

  // Content held in memory.
  static Content from_bytes(std::string data);
  // Content read later from `path` (bytes [offset, offset + size)); the file
  // must stay unchanged until the tree is written.
  static Content from_file(std::filesystem::path path, std::uint64_t size,
                           std::uint64_t offset = 0);
};

// Reads the whole content into memory; fails if the disk file is missing or short.
support::Result<std::string> read_content(const Content& content);

// One filesystem entry. Plain data; fill the fields the type needs.
struct Entry {
  EntryType type = EntryType::regular;
  std::uint32_t mode = 0644; // permission bits incl. setuid/setgid/sticky (07777), no type bits
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::string uname; // optional; the layer writer may drop names
  std::string gname;
  std::int64_t mtime = 0;    // seconds since the epoch
  std::string link_target;   // symlink: as written (relative or absolute); hardlink: tree path
  std::uint32_t dev_major = 0;
  std::uint32_t dev_minor = 0;
  std::map<std::string, std::string> xattrs; // name ("security.capability") -> raw value
  Content content;           // regular files only
  bool opaque = false;       // directory in a layer: hides everything below it in lower layers
  bool implicit = false;     // directory created only as a parent by Tree::add; merging keeps
                             // the lower layer's metadata for it

  bool is_dir() const { return type == EntryType::directory; }
};

// Entry makers with the usual root-owned defaults.
Entry make_directory(std::uint32_t mode = 0755, std::int64_t mtime = 0);
Entry make_file(Content content, std::uint32_t mode = 0644, std::int64_t mtime = 0);
Entry make_symlink(std::string target, std::int64_t mtime = 0);
Entry make_hardlink(std::string target_path, std::int64_t mtime = 0);
Entry make_whiteout();

// Normalizes "usr/bin/", "./usr//bin", "/usr/./bin" to "/usr/bin" and "" / "."
// to "/". Fails on a NUL byte or a ".." that climbs above the root.
support::Result<std::string> normalize_path(std::string_view path);

// The parent of a normalized path ("/usr/bin" -> "/usr", "/usr" -> "/").
std::string parent_path(std::string_view normalized);
// The last component of a normalized path ("/usr/bin" -> "bin").
std::string_view base_name(std::string_view normalized);

class Tree {
public:
  using Map = std::map<std::string, Entry>; // std::string order = bytewise, parents first

  // Adds or replaces `path`. Missing parents are created as implicit 0755
  // root directories whose mtime is the newest mtime added below them (so it
  // does not depend on insertion order); a whiteout parent becomes an opaque
  // directory. Replacing a directory by a non-directory drops its children;
  // replacing a directory by a directory keeps them. Fails on a bad path, on an
  // existing parent that is not a directory, or on a hardlink with a bad target.
  support::Result<void> add(std::string_view path, Entry entry);

  // Removes `path` and everything under it; returns how many entries went.
  std::size_t remove(std::string_view path);

  // The entry at `path` (no symlinks followed), or null. "/" gives the root.
  const Entry* find(std::string_view path) const;
  Entry* find(std::string_view path);
  bool contains(std::string_view path) const { return find(path) != nullptr; }

  // Follows symlinks inside the tree, as a chroot would: absolute targets and
  // ".." stop at the tree's root, never outside. Returns the normalized path the
  // input designates (its tail may not exist). `follow_last` also resolves the
  // final component. Fails on a bad path or more than 40 link hops (a loop).
  support::Result<std::string> resolve(std::string_view path, bool follow_last = true) const;

  // For a hardlink, the regular entry it points at; for a regular file, itself;
  // otherwise null.
  const Entry* link_source(std::string_view path) const;

  // Immediate children of a directory path, sorted.
  std::vector<std::string> children(std::string_view path) const;

  // All entries in sorted order (bytewise by path: parents before children).
  const Map& entries() const { return m_entries; }
  std::size_t size() const { return m_entries.size(); }
  bool empty() const { return m_entries.empty(); }

  // The root directory's metadata (written as "./" only if a caller wants it).
  const Entry& root() const { return m_root; }
  Entry& root() { return m_root; }

private:
  Entry* insert_parents(const std::string& path, std::int64_t mtime, support::Error* error);

  Map m_entries;
  Entry m_root = make_directory(0755);
};

// Applies `layer` over `lower` the way an OCI runtime stacks layers: a
// whiteout deletes the path below it, an opaque directory hides all lower
// children, a directory over a directory merges (implicit ones keep the lower
// metadata), anything else replaces. Whiteout entries themselves are not
// copied. Fails if a layer entry cannot be placed (e.g. its parent is a file
// in `lower` and the layer does not replace it).
support::Result<void> apply_layer(Tree& lower, const Tree& layer);

} // namespace distill::backend::fs
