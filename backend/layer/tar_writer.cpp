#include "backend/layer/tar_writer.hpp"

#include "backend/layer/utf8_locale.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

namespace distill::backend::layer {

using support::fail;
using support::Result;

namespace {

constexpr std::size_t k_chunk = 1 << 20;

enum class Kind { plain, whiteout, opaque_marker, link_to_primary };

// One tar member: the name it gets, the entry that supplies its metadata and
// content, and what to write.
struct Record {
  std::string name; // relative, no trailing '/'
  const fs::Entry* entry = nullptr;
  Kind kind = Kind::plain;
  std::string link; // hard link target name (relative) for link_to_primary
};

std::string relative(std::string_view tree_path) { return std::string(tree_path.substr(1)); }

std::string child_name(const std::string& tree_path, std::string_view leaf) {
  const std::string parent = fs::parent_path(tree_path);
  return (parent == "/" ? std::string() : relative(parent) + "/") + std::string(leaf);
}

// Hard link groups are written with their smallest path first as the file,
// so a reader always meets the data before the links.
std::vector<Record> plan_records(const fs::Tree& tree) {
  std::map<std::string, std::vector<std::string>> groups; // source -> links
  for (const auto& [path, entry] : tree.entries()) {
    if (entry.type == fs::EntryType::hardlink) {
      groups[entry.link_target].push_back(path);
    }
  }
  std::map<std::string, std::string> primary_of; // member -> primary (members other than primary)
  std::map<std::string, const fs::Entry*> data_of; // every member -> entry holding the data
  for (const auto& [source, links] : groups) {
    const fs::Entry* data = tree.find(source);
    std::string primary = std::min(source, *std::min_element(links.begin(), links.end()));
    data_of[source] = data;
    if (source != primary) {
      primary_of[source] = primary;
    }
    for (const auto& link : links) {
      data_of[link] = data;
      if (link != primary) {
        primary_of[link] = primary;
      }
    }
  }

  std::vector<Record> records;
  records.reserve(tree.size() + 8);
  for (const auto& [path, entry] : tree.entries()) {
    Record record;
    record.name = relative(path);
    record.entry = &entry;
    if (entry.type == fs::EntryType::whiteout) {
      record.kind = Kind::whiteout;
      record.name = child_name(path, ".wh." + std::string(fs::base_name(path)));
    } else if (auto data = data_of.find(path); data != data_of.end()) {
      record.entry = data->second;
      if (auto primary = primary_of.find(path); primary != primary_of.end()) {
        record.kind = Kind::link_to_primary;
        record.link = relative(primary->second);
      }
    }
    records.push_back(std::move(record));
    if (entry.is_dir() && entry.opaque) {
      records.push_back(Record{relative(path) + "/.wh..wh..opq", &entry, Kind::opaque_marker, {}});
    }
  }
  std::sort(records.begin(), records.end(),
            [](const Record& a, const Record& b) { return a.name < b.name; });
  return records;
}

void set_name(archive_entry* ae, const std::string& name) {
  archive_entry_copy_pathname(ae, name.c_str());
}

class TarStream {
public:
  TarStream(const TarOptions& options, const ByteSink& sink) : m_options(options), m_sink(sink) {}
  ~TarStream() {
    if (m_archive != nullptr) {
      archive_write_free(m_archive);
    }
  }

  Result<void> open() {
    m_archive = archive_write_new();
    if (m_archive == nullptr) {
      return fail("cannot allocate a libarchive writer");
    }
    if (archive_write_set_format_pax_restricted(m_archive) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(m_archive, 10240) != ARCHIVE_OK ||
        archive_write_open2(m_archive, this, nullptr, &TarStream::on_write, nullptr, nullptr) !=
            ARCHIVE_OK) {
      return failure("starting tar stream");
    }
    return {};
  }

  Result<void> add(const Record& record) {
    archive_entry* ae = archive_entry_new();
    fill(ae, record);
    const int rc = archive_write_header(m_archive, ae);
    archive_entry_free(ae);
    // ARCHIVE_WARN: a name that is not UTF-8 went in as raw bytes with a
    // "hdrcharset=BINARY" record; with the locale pinned that is deterministic.
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return failure("writing tar header for " + record.name);
    }
    if (record.kind == Kind::plain && record.entry->type == fs::EntryType::regular) {
      if (auto ok = write_content(record.entry->content); !ok) {
        return std::unexpected(ok.error().context(record.name));
      }
    }
    return {};
  }

  Result<void> close() {
    if (archive_write_close(m_archive) != ARCHIVE_OK) {
      return failure("finishing tar stream");
    }
    return {};
  }

private:
  void fill(archive_entry* ae, const Record& record) const {
    const fs::Entry& entry = *record.entry;
    const std::int64_t mtime = std::clamp<std::int64_t>(entry.mtime, 0, m_options.source_date_epoch);
    archive_entry_set_mtime(ae, mtime, 0);
    if (record.kind == Kind::whiteout || record.kind == Kind::opaque_marker) {
      set_name(ae, record.name);
      archive_entry_set_filetype(ae, AE_IFREG);
      archive_entry_set_perm(ae, 0);
      archive_entry_set_size(ae, 0);
      return;
    }
    archive_entry_set_perm(ae, entry.mode & 07777);
    archive_entry_set_uid(ae, entry.uid);
    archive_entry_set_gid(ae, entry.gid);
    if (m_options.owner_names) {
      archive_entry_copy_uname(ae, entry.uname.c_str());
      archive_entry_copy_gname(ae, entry.gname.c_str());
    }
    if (m_options.xattrs) {
      for (const auto& [name, value] : entry.xattrs) {
        archive_entry_xattr_add_entry(ae, name.c_str(), value.data(), value.size());
      }
    }
    if (record.kind == Kind::link_to_primary) {
      set_name(ae, record.name);
      archive_entry_set_filetype(ae, AE_IFREG);
      archive_entry_copy_hardlink(ae, record.link.c_str());
      archive_entry_set_size(ae, 0);
      return;
    }
    switch (entry.type) {
    case fs::EntryType::directory:
      set_name(ae, record.name + "/");
      archive_entry_set_filetype(ae, AE_IFDIR);
      break;
    case fs::EntryType::symlink:
      set_name(ae, record.name);
      archive_entry_set_filetype(ae, AE_IFLNK);
      archive_entry_copy_symlink(ae, entry.link_target.c_str());
      break;
    case fs::EntryType::char_device:
    case fs::EntryType::block_device:
      set_name(ae, record.name);
      archive_entry_set_filetype(ae, entry.type == fs::EntryType::char_device ? AE_IFCHR
                                                                                : AE_IFBLK);
      archive_entry_set_rdevmajor(ae, entry.dev_major);
      archive_entry_set_rdevminor(ae, entry.dev_minor);
      break;
    case fs::EntryType::fifo:
      set_name(ae, record.name);
      archive_entry_set_filetype(ae, AE_IFIFO);
      break;
    default: // regular (hard links were resolved to their data entry)
      set_name(ae, record.name);
      archive_entry_set_filetype(ae, AE_IFREG);
      archive_entry_set_size(ae, static_cast<la_int64_t>(entry.content.size));
      break;
    }
  }

  Result<void> write_data(std::string_view data) {
    while (!data.empty()) {
      const auto n = archive_write_data(m_archive, data.data(), data.size());
      if (n <= 0) {
        return failure("writing tar data");
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
  }

  Result<void> write_content(const fs::Content& content) {
    if (content.bytes) {
      if (content.bytes->size() != content.size) {
        return fail("content holds {} bytes but records {}", content.bytes->size(), content.size);
      }
      return write_data(*content.bytes);
    }
    if (content.size == 0) {
      return {};
    }
    const int fd = ::open(content.disk_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return fail("cannot open {}: {}", content.disk_path.string(), std::strerror(errno));
    }
    std::vector<char> buffer(std::min<std::uint64_t>(k_chunk, content.size));
    std::uint64_t done = 0;
    Result<void> result;
    while (done < content.size && result) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(),
                                                                        content.size - done));
      const auto n = ::pread(fd, buffer.data(), want,
                             static_cast<off_t>(content.disk_offset + done));
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        result = n < 0 ? fail("reading {}: {}", content.disk_path.string(), std::strerror(errno))
                       : fail("{} is shorter than the recorded {} bytes",
                              content.disk_path.string(), content.size);
        break;
      }
      result = write_data(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
      done += static_cast<std::uint64_t>(n);
    }
    ::close(fd);
    return result;
  }

  static la_ssize_t on_write(archive*, void* self, const void* buffer, size_t length) {
    auto* me = static_cast<TarStream*>(self);
    auto sent = me->m_sink(std::string_view(static_cast<const char*>(buffer), length));
    if (!sent) {
      me->m_sink_error = sent.error();
      return -1;
    }
    return static_cast<la_ssize_t>(length);
  }

  std::unexpected<support::Error> failure(const std::string& what) const {
    if (m_sink_error) {
      return std::unexpected(*m_sink_error);
    }
    const char* text = archive_error_string(m_archive);
    return fail("{}: {}", what, text != nullptr ? text : "unknown libarchive error");
  }

  const TarOptions& m_options;
  const ByteSink& m_sink;
  archive* m_archive = nullptr;
  std::optional<support::Error> m_sink_error;
};

} // namespace

Result<void> write_tar(const fs::Tree& tree, const TarOptions& options, const ByteSink& sink) {
  const Utf8LocaleScope locale;
  TarStream stream(options, sink);
  if (auto ok = stream.open(); !ok) {
    return ok;
  }
  for (const auto& record : plan_records(tree)) {
    if (auto ok = stream.add(record); !ok) {
      return ok;
    }
  }
  return stream.close();
}

} // namespace distill::backend::layer
