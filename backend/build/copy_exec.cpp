#include "backend/build/copy_exec.hpp"

#include "backend/build/url_source.hpp"
#include "backend/build/user_db.hpp"
#include "backend/layer/layer_reader.hpp"
#include "support/sha256.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string_view>
#include <system_error>

#include <fnmatch.h>
#include <fmt/format.h>
#include <sys/stat.h>

namespace distill::backend::build {

namespace stdfs = std::filesystem;

namespace {

using Item = CopyItem;

// chmod(1)'s symbolic modes ("u+x,go-w", "a=rX"), applied to `mode`; empty
// when the text is not one. BuildKit accepts them in COPY --chmod too.
std::optional<std::uint32_t> apply_symbolic_mode(std::string_view text, std::uint32_t mode, bool is_dir) {
  std::size_t at = 0;
  while (at <= text.size()) {
    const auto comma = text.find(',', at);
    const std::string_view clause = text.substr(at, comma == std::string_view::npos ? text.npos : comma - at);
    std::size_t i = 0;
    std::uint32_t who = 0;
    for (; i < clause.size() && std::string_view("ugoa").find(clause[i]) != std::string_view::npos; ++i) {
      who |= clause[i] == 'u' ? 04700u : clause[i] == 'g' ? 02070u : clause[i] == 'o' ? 01007u : 07777u;
    }
    if (who == 0) {
      who = 07777u;
    }
    if (i >= clause.size()) {
      return std::nullopt;
    }
    while (i < clause.size()) {
      const char action = clause[i++];
      if (action != '+' && action != '-' && action != '=') {
        return std::nullopt;
      }
      std::uint32_t bits = 0;
      for (; i < clause.size() && std::string_view("rwxXst").find(clause[i]) != std::string_view::npos; ++i) {
        switch (clause[i]) {
        case 'r': bits |= 0444; break;
        case 'w': bits |= 0222; break;
        case 'x': bits |= 0111; break;
        case 'X': bits |= (is_dir || (mode & 0111) != 0) ? 0111 : 0; break;
        case 's': bits |= 06000; break;
        case 't': bits |= 01000; break;
        }
      }
      bits &= who;
      if (action == '+') {
        mode |= bits;
      } else if (action == '-') {
        mode &= ~bits;
      } else {
        mode = (mode & ~who) | bits;
      }
    }
    if (comma == std::string_view::npos) {
      break;
    }
    at = comma + 1;
  }
  return mode & 07777;
}

// ADD unpacks local archives that it recognises by their first bytes, as
// BuildKit does: tar, alone or compressed with gzip, bzip2, xz or zstd.
bool is_tar_archive(const stdfs::path& file) {
  char head[512] = {};
  std::FILE* in = std::fopen(file.c_str(), "rb");
  if (in == nullptr) {
    return false;
  }
  const std::size_t got = std::fread(head, 1, sizeof head, in);
  std::fclose(in);
  const std::string_view bytes(head, got);
  return bytes.starts_with("\x1f\x8b") || bytes.starts_with("\xfd" "7zXZ") || bytes.starts_with("BZh") ||
         bytes.starts_with("\x28\xb5\x2f\xfd") || (got >= 262 && bytes.substr(257, 5) == "ustar");
}

// The archive's entries as the items of a directory source.
support::Result<std::vector<Item>> items_from_archive(const stdfs::path& file, std::int64_t epoch) {
  layer::ReadOptions options;
  options.whiteouts = false;
  auto tree = layer::read_layer(file, options);
  if (!tree) {
    return std::unexpected(tree.error().context("ADD " + file.filename().string()));
  }
  std::vector<Item> items{{"", fs::make_directory(0755, epoch), true}};
  for (auto& [path, entry] : tree->entries()) {
    fs::Entry copy = entry;
    if (copy.type == fs::EntryType::hardlink) {
      copy.link_target = copy.link_target.substr(1);
    }
    items.push_back({path.substr(1), std::move(copy), true});
  }
  return items;
}

struct Placement {
  std::string dest_root; // normalized absolute
  bool dest_is_dir = false;
};

std::int64_t clamp(std::int64_t mtime, std::int64_t epoch) { return std::min(mtime, epoch); }

bool excluded(const std::vector<std::string>& patterns, const std::string& relative) {
  for (const auto& pattern : patterns) {
    // A pattern that names a directory excludes everything below it, as in BuildKit.
    for (auto end = relative.find('/'); ; end = relative.find('/', end + 1)) {
      const std::string prefix = relative.substr(0, end);
      if (fnmatch(pattern.c_str(), prefix.c_str(), FNM_PATHNAME) == 0) {
        return true;
      }
      if (end == std::string::npos) {
        break;
      }
    }
    const auto slash = relative.rfind('/');
    const std::string base = slash == std::string::npos ? relative : relative.substr(slash + 1);
    if (fnmatch(pattern.c_str(), base.c_str(), 0) == 0) {
      return true;
    }
  }
  return false;
}

// Reads one context path (no symlink following) into an entry.
support::Result<fs::Entry> context_entry(const stdfs::path& file, std::int64_t epoch) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) {
    return support::fail("cannot stat {}", file.string());
  }
  fs::Entry entry;
  const auto mode = static_cast<std::uint32_t>(st.st_mode & 07777);
  const std::int64_t mtime = clamp(st.st_mtime, epoch);
  if (S_ISDIR(st.st_mode)) {
    entry = fs::make_directory(mode, mtime);
  } else if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    auto target = stdfs::read_symlink(file, ec);
    if (ec) {
      return support::fail("reading symlink {}: {}", file.string(), ec.message());
    }
    entry = fs::make_symlink(target.string(), mtime);
  } else if (S_ISREG(st.st_mode)) {
    entry = fs::make_file(fs::Content::from_file(file, static_cast<std::uint64_t>(st.st_size)), mode, mtime);
  } else {
    return support::fail("{} is not a regular file, directory or symlink", file.string());
  }
  return entry;
}

// One downloaded file as a source.
support::Result<std::vector<Item>> items_from_context_file(const stdfs::path& file, std::int64_t epoch) {
  auto entry = context_entry(file, epoch);
  if (!entry) {
    return std::unexpected(entry.error());
  }
  return std::vector<Item>{{"", *entry}};
}

support::Result<std::vector<Item>> items_from_context(const std::string& source, const CopyInputs& in,
                                                      std::int64_t epoch) {
  std::vector<Item> items;
  const auto& all = *in.context_paths;
  const bool whole = source == ".";
  const stdfs::path root = in.context->root;
  auto self = context_entry(whole ? root : root / source, epoch);
  if (!self) {
    return std::unexpected(self.error());
  }
  items.push_back({"", *self});
  if (!self->is_dir()) {
    return items;
  }
  const std::string prefix = whole ? "" : source + "/";
  for (const auto& path : all) {
    if (!prefix.empty() && !path.starts_with(prefix)) {
      continue;
    }
    auto entry = context_entry(root / path, epoch);
    if (!entry) {
      return std::unexpected(entry.error());
    }
    items.push_back({path.substr(prefix.size()), *entry});
  }
  return items;
}

support::Result<std::vector<Item>> items_from_tree(const std::string& source, const fs::Tree& tree,
                                                   std::int64_t epoch) {
  auto resolved = tree.resolve(source.starts_with('/') ? source : "/" + source);
  if (!resolved) {
    return std::unexpected(resolved.error());
  }
  std::vector<Item> items;
  const fs::Entry* self = *resolved == "/" ? &tree.root() : tree.find(*resolved);
  if (self == nullptr) {
    return support::fail("{}: not found", source);
  }
  auto copy_entry = [&](const std::string& path, const fs::Entry& entry) {
    fs::Entry out = entry;
    if (out.type == fs::EntryType::hardlink) {
      // A hard link into another part of the tree becomes a copy of its file.
      if (const fs::Entry* target = tree.link_source(path)) {
        out = *target;
      }
    }
    out.mtime = clamp(out.mtime, epoch);
    out.implicit = false;
    return out;
  };
  items.push_back({"", copy_entry(*resolved, *self)});
  if (!self->is_dir()) {
    return items;
  }
  const std::string prefix = *resolved == "/" ? "/" : *resolved + "/";
  for (auto it = tree.entries().lower_bound(prefix); it != tree.entries().end(); ++it) {
    if (!it->first.starts_with(prefix)) {
      break;
    }
    if (it->second.type == fs::EntryType::whiteout) {
      continue;
    }
    items.push_back({it->first.substr(prefix.size()), copy_entry(it->first, it->second)});
  }
  return items;
}

std::string join(const std::string& base, const std::string& relative) {
  if (relative.empty()) {
    return base;
  }
  return base == "/" ? "/" + relative : base + "/" + relative;
}

support::Result<Placement> place(const planner::Copy& op, std::size_t source_count, bool single_is_dir,
                                 const fs::Tree& rootfs) {
  std::string dest = op.dest;
  const bool trailing_slash = dest.ends_with('/') || dest.ends_with("/.") || dest == ".";
  if (!dest.starts_with('/')) {
    dest = (op.workdir.empty() ? std::string("/") : op.workdir) + "/" + dest;
  }
  auto normalized = fs::normalize_path(dest);
  if (!normalized) {
    return std::unexpected(normalized.error());
  }
  Placement placement{*normalized, trailing_slash};
  if (source_count > 1 && !trailing_slash) {
    // BuildKit accepts an existing directory too.
    auto resolved = rootfs.resolve(placement.dest_root);
    const fs::Entry* existing = resolved ? rootfs.find(*resolved) : nullptr;
    if (existing == nullptr || !existing->is_dir()) {
      return support::fail("when using COPY with more than one source file, the destination must be a "
                           "directory and end with a /");
    }
    placement.dest_is_dir = true;
  }
  if (!placement.dest_is_dir && !single_is_dir) {
    auto resolved = rootfs.resolve(placement.dest_root);
    const fs::Entry* existing = resolved ? rootfs.find(*resolved) : nullptr;
    placement.dest_is_dir = existing != nullptr && existing->is_dir();
  }
  return placement;
}

} // namespace

support::Result<std::vector<CopySource>> collect_copy_sources(const planner::Copy& op, const CopyInputs& in) {
  if (!op.chmod_text.empty() && !op.chmod && !apply_symbolic_mode(op.chmod_text, 0644, false)) {
    return support::fail("--chmod={}: not a mode: use octal (0755) or chmod's symbolic form (u+x,go-w)",
                         op.chmod_text);
  }
  std::vector<CopySource> sources;
  for (const auto& inline_file : op.inline_files) {
    sources.push_back({inline_file.name,
                       {{"", fs::make_file(fs::Content::from_bytes(inline_file.content), 0644, in.epoch)}}});
  }
  for (const auto& pattern : op.sources) {
    if (pattern.starts_with("git@") || pattern.ends_with(".git") || pattern.starts_with("git://")) {
      return support::fail("ADD of a git repository ({}) is not supported yet", pattern);
    }
    if (pattern.starts_with("http://") || pattern.starts_with("https://")) {
      if (!op.add) {
        return support::fail("COPY cannot take a URL ({}): use ADD", pattern);
      }
      if (!in.download) {
        return support::fail("ADD {}: downloads are not available here", pattern);
      }
      auto file = in.download(pattern, op.checksum);
      if (!file) {
        return std::unexpected(file.error());
      }
      auto items = items_from_context_file(*file, in.epoch);
      if (!items) {
        return std::unexpected(items.error());
      }
      // Downloads are private files, as in docker build (mode 0600).
      items->front().entry.mode = 0600;
      sources.push_back({url_file_name(pattern), std::move(*items)});
      continue;
    }
    if (in.from_rootfs != nullptr) {
      auto items = items_from_tree(pattern, *in.from_rootfs, in.epoch);
      if (!items) {
        return std::unexpected(items.error().context(op.from.empty() ? "COPY" : "COPY --from=" + op.from));
      }
      sources.push_back({pattern, std::move(*items)});
      continue;
    }
    if (in.context == nullptr || in.context_paths == nullptr) {
      return support::fail("COPY needs a build context");
    }
    const auto matches = match_sources(*in.context_paths, pattern);
    if (matches.empty()) {
      return support::fail("COPY failed: file not found in build context or excluded by .dockerignore: {}",
                           pattern);
    }
    for (const auto& match : matches) {
      auto items = items_from_context(match, in, in.epoch);
      if (!items) {
        return std::unexpected(items.error());
      }
      const bool unpack = op.add && op.unpack.value_or(true) && items->size() == 1 &&
                          items->front().entry.type == fs::EntryType::regular &&
                          is_tar_archive(in.context->root / match);
      if (unpack) {
        items = items_from_archive(in.context->root / match, in.epoch);
        if (!items) {
          return std::unexpected(items.error());
        }
      }
      sources.push_back({match, std::move(*items)});
    }
  }
  return sources;
}

support::Result<std::string> copy_sources_digest(const std::vector<CopySource>& sources) {
  support::Sha256 hash;
  auto add = [&hash](std::string_view part) {
    hash.update(std::to_string(part.size()) + ":");
    hash.update(part);
  };
  for (const auto& source : sources) {
    add(source.name);
    add(std::to_string(source.items.size()));
    for (const auto& item : source.items) {
      const fs::Entry& entry = item.entry;
      add(item.relative);
      add(fmt::format("{} {:o} {} {} {} {}", fs::to_string(entry.type), entry.mode, entry.uid, entry.gid,
                      entry.mtime, item.from_archive ? 1 : 0));
      add(entry.link_target);
      if (entry.type != fs::EntryType::regular) {
        continue;
      }
      if (!entry.content.sha256.empty()) {
        add(entry.content.sha256);
        continue;
      }
      auto bytes = fs::read_content(entry.content);
      if (!bytes) {
        return std::unexpected(bytes.error());
      }
      add(support::sha256_hex(*bytes));
    }
  }
  return hash.hex_digest();
}

support::Result<fs::Tree> execute_copy(const planner::Copy& op, const CopyInputs& in) {
  auto sources = collect_copy_sources(op, in);
  if (!sources) {
    return std::unexpected(sources.error());
  }
  return place_copy_sources(op, std::move(*sources), in);
}

support::Result<fs::Tree> place_copy_sources(const planner::Copy& op, std::vector<CopySource> sources,
                                             const CopyInputs& in) {
  std::optional<Owner> owner;
  if (!op.chown.empty()) {
    auto resolved = resolve_owner(*in.rootfs, op.chown);
    if (!resolved) {
      return std::unexpected(resolved.error());
    }
    owner = *resolved;
  }
  const bool single_is_dir = sources.size() == 1 && sources.front().items.front().entry.is_dir();
  auto placement = place(op, sources.size(), single_is_dir, *in.rootfs);
  if (!placement) {
    return std::unexpected(placement.error());
  }
  fs::Tree layer;
  for (auto& [name, items] : sources) {
    const bool is_dir = items.front().entry.is_dir();
    std::string base;
    if (op.parents && name != ".") {
      base = join(placement->dest_root, name.starts_with('/') ? name.substr(1) : name);
      if (!is_dir) {
        base = fs::parent_path(base);
      }
    } else {
      base = placement->dest_root;
    }
    for (auto& item : items) {
      std::string target;
      if (item.relative.empty()) {
        if (is_dir) {
          target = base; // a directory's contents go into the destination
        } else if (placement->dest_is_dir || op.parents) {
          const auto slash = name.rfind('/');
          target = join(base, slash == std::string::npos ? name : name.substr(slash + 1));
        } else {
          target = base;
        }
      } else {
        if (excluded(op.excludes, item.relative)) {
          continue;
        }
        target = join(base, item.relative);
      }
      if (item.from_archive && item.entry.type == fs::EntryType::hardlink) {
        item.entry.link_target = join(base, item.entry.link_target);
      }
      if (owner) {
        item.entry.uid = owner->uid;
        item.entry.gid = owner->gid;
      } else if (in.from_rootfs == nullptr && !item.from_archive) {
        item.entry.uid = 0;
        item.entry.gid = 0;
      }
      if (op.chmod && item.entry.type != fs::EntryType::symlink) {
        item.entry.mode = *op.chmod;
      } else if (!op.chmod_text.empty() && item.entry.type != fs::EntryType::symlink) {
        item.entry.mode = *apply_symbolic_mode(op.chmod_text, item.entry.mode, item.entry.is_dir());
      }
      if (target == "/") {
        continue; // the root keeps its own metadata
      }
      if (auto added = layer.add(target, item.entry); !added) {
        return std::unexpected(added.error().context("COPY"));
      }
    }
  }
  return layer;
}

} // namespace distill::backend::build
