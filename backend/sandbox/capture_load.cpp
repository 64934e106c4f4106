#include "backend/fs/tree.hpp"
#include "backend/sandbox/capture_record.hpp"

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

namespace {

std::optional<fs::EntryType> parse_type(const std::string& text) {
  for (const auto type :
       {fs::EntryType::regular, fs::EntryType::directory, fs::EntryType::symlink,
        fs::EntryType::hardlink, fs::EntryType::char_device, fs::EntryType::block_device,
        fs::EntryType::fifo, fs::EntryType::whiteout}) {
    if (fs::to_string(type) == text) {
      return type;
    }
  }
  return std::nullopt;
}

} // namespace

Result<fs::Tree> load_capture(const std::filesystem::path& dir) {
  auto records = read_manifest(dir);
  if (!records) {
    return std::unexpected(records.error());
  }
  fs::Tree tree;
  for (const auto& r : *records) {
    const auto type = parse_type(r.type);
    if (!type) {
      return fail("{}: unknown entry type \"{}\" for {}", dir.string(), r.type, r.path);
    }
    fs::Entry entry;
    entry.type = *type;
    entry.mode = r.mode;
    entry.uid = r.uid;
    entry.gid = r.gid;
    entry.mtime = r.mtime;
    entry.link_target = r.link;
    entry.opaque = r.opaque;
    entry.dev_major = r.dev_major;
    entry.dev_minor = r.dev_minor;
    entry.xattrs = r.xattrs;
    if (*type == fs::EntryType::regular) {
      entry.content = fs::Content::from_file(dir / r.blob, r.size);
    }
    if (*type == fs::EntryType::whiteout) {
      entry = fs::make_whiteout();
    }
    if (auto added = tree.add(r.path, std::move(entry)); !added) {
      return std::unexpected(added.error().context("loading the capture " + dir.string()));
    }
  }
  return tree;
}

} // namespace distill::backend::sandbox
