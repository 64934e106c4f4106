#include "backend/deb/deb_reader.hpp"

#include "backend/deb/data_unpack.hpp"
#include "backend/deb/tar_member.hpp"

#include <memory>

#include <archive.h>
#include <archive_entry.h>

namespace distill::backend::deb {

using support::fail;
using support::Result;

namespace {

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

constexpr std::size_t k_max_control_member = 64u << 20;

std::string archive_message(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unknown libarchive error";
}

// The nested tar (control.tar.*, data.tar.*) is read straight from the outer
// ar member's data stream; nothing is staged on disk.
struct NestedSource {
  archive* outer = nullptr;
  char buffer[1u << 16];
};

la_ssize_t nested_read(archive* /*inner*/, void* opaque, const void** out) {
  auto* source = static_cast<NestedSource*>(opaque);
  *out = source->buffer;
  return archive_read_data(source->outer, source->buffer, sizeof source->buffer);
}

class EntryBytes : public MemberBytes {
public:
  explicit EntryBytes(archive* a) : m_archive(a) {}
  Result<std::size_t> read(char* buffer, std::size_t capacity) override {
    const auto n = archive_read_data(m_archive, buffer, capacity);
    if (n < 0) {
      return fail("reading member data: {}", archive_message(m_archive));
    }
    return static_cast<std::size_t>(n);
  }

private:
  archive* m_archive;
};

Result<ArchivePtr> open_nested(NestedSource& source) {
  ArchivePtr inner(archive_read_new());
  if (!inner) {
    return fail("out of memory");
  }
  archive_read_support_filter_all(inner.get());
  archive_read_support_format_tar(inner.get());
  archive_read_support_format_gnutar(inner.get());
  if (archive_read_open(inner.get(), &source, nullptr, nested_read, nullptr) != ARCHIVE_OK) {
    return fail("{}", archive_message(inner.get()));
  }
  return inner;
}

fs::EntryType entry_type(archive_entry* entry) {
  if (archive_entry_hardlink(entry) != nullptr) {
    return fs::EntryType::hardlink;
  }
  switch (archive_entry_filetype(entry)) {
  case AE_IFDIR: return fs::EntryType::directory;
  case AE_IFLNK: return fs::EntryType::symlink;
  case AE_IFCHR: return fs::EntryType::char_device;
  case AE_IFBLK: return fs::EntryType::block_device;
  case AE_IFIFO: return fs::EntryType::fifo;
  case AE_IFREG: return fs::EntryType::regular;
  default: return fs::EntryType::whiteout; // sockets and unknown kinds: rejected later
  }
}

TarMember to_member(archive_entry* entry) {
  TarMember member;
  const char* path = archive_entry_pathname(entry);
  member.path = path != nullptr ? path : "";
  member.type = entry_type(entry);
  member.mode = static_cast<std::uint32_t>(archive_entry_perm(entry)) & 07777;
  member.uid = static_cast<std::uint32_t>(archive_entry_uid(entry));
  member.gid = static_cast<std::uint32_t>(archive_entry_gid(entry));
  if (const char* name = archive_entry_uname(entry)) {
    member.uname = name;
  }
  if (const char* name = archive_entry_gname(entry)) {
    member.gname = name;
  }
  member.mtime = archive_entry_mtime(entry);
  if (member.type == fs::EntryType::hardlink) {
    member.link = archive_entry_hardlink(entry);
  } else if (member.type == fs::EntryType::symlink) {
    const char* target = archive_entry_symlink(entry);
    member.link = target != nullptr ? target : "";
  }
  member.size = archive_entry_size_is_set(entry) ? static_cast<std::uint64_t>(archive_entry_size(entry)) : 0;
  return member;
}

Result<void> read_control(NestedSource& source, ControlArchive& out) {
  auto inner = open_nested(source);
  if (!inner) {
    return std::unexpected(inner.error());
  }
  archive_entry* entry = nullptr;
  int status = 0;
  while ((status = archive_read_next_header(inner->get(), &entry)) == ARCHIVE_OK) {
    if (archive_entry_filetype(entry) != AE_IFREG || archive_entry_hardlink(entry) != nullptr) {
      continue;
    }
    auto name = member_path(archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "");
    if (!name) {
      return std::unexpected(name.error());
    }
    if (fs::parent_path(*name) != "/") {
      continue; // control members are flat; anything nested is not dpkg's
    }
    const auto size = archive_entry_size(entry);
    if (size < 0 || static_cast<std::uint64_t>(size) > k_max_control_member) {
      return fail("control member {} is too large", *name);
    }
    std::string data(static_cast<std::size_t>(size), '\0');
    const auto n = archive_read_data(inner->get(), data.data(), data.size());
    if (n < 0 || static_cast<std::uint64_t>(n) != data.size()) {
      return fail("reading control member {}: {}", *name, archive_message(inner->get()));
    }
    out.members[std::string(fs::base_name(*name))] = std::move(data);
  }
  if (status != ARCHIVE_EOF) {
    return fail("control archive: {}", archive_message(inner->get()));
  }
  auto take = [&](const char* name) {
    const auto it = out.members.find(name);
    return it == out.members.end() ? std::string() : it->second;
  };
  out.control = take("control");
  out.md5sums = take("md5sums");
  out.conffiles = take("conffiles");
  out.triggers = take("triggers");
  if (out.control.empty()) {
    return fail("control archive has no 'control' file");
  }
  return {};
}

Result<void> read_data(NestedSource& source, DataUnpacker& unpacker, std::string& compression) {
  auto inner = open_nested(source);
  if (!inner) {
    return std::unexpected(inner.error());
  }
  archive_entry* entry = nullptr;
  int status = 0;
  EntryBytes bytes(inner->get());
  bool first = true;
  while ((status = archive_read_next_header(inner->get(), &entry)) == ARCHIVE_OK) {
    if (first) {
      const char* filter = archive_filter_count(inner->get()) > 1
                               ? archive_filter_name(inner->get(), 0)
                               : "none";
      compression = filter != nullptr ? filter : "unknown";
      first = false;
    }
    const TarMember member = to_member(entry);
    if (auto added = unpacker.add(member, bytes); !added) {
      return std::unexpected(added.error());
    }
  }
  if (status != ARCHIVE_EOF) {
    return fail("data archive: {}", archive_message(inner->get()));
  }
  return {};
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

Result<void> read_members(archive* outer, const ReadOptions& options, const std::string& label,
                          DebPackage& package) {
  archive_entry* entry = nullptr;
  int status = 0;
  int index = 0;
  bool have_control = false;
  bool have_data = false;
  DataUnpacker unpacker(options, label, package);
  NestedSource source;
  source.outer = outer;
  while ((status = archive_read_next_header(outer, &entry)) == ARCHIVE_OK) {
    const std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (index++ == 0) {
      char version[16] = {};
      const auto n = archive_read_data(outer, version, sizeof version - 1);
      if (name != "debian-binary" || n < 4 || !starts_with(version, "2.")) {
        return fail("not a Debian binary package (first member must be debian-binary "
                    "\"2.x\")");
      }
      continue;
    }
    if (starts_with(name, "control.tar")) {
      if (have_control) {
        return fail("two control archives");
      }
      if (auto ok = read_control(source, package.control); !ok) {
        return ok;
      }
      have_control = true;
    } else if (starts_with(name, "data.tar")) {
      if (!have_control) {
        return fail("data archive comes before the control archive");
      }
      if (have_data) {
        return fail("two data archives");
      }
      if (auto ok = read_data(source, unpacker, package.data_compression); !ok) {
        return ok;
      }
      have_data = true;
    } else if (!starts_with(name, "_")) {
      return fail("unexpected member '{}'", name);
    }
  }
  if (status != ARCHIVE_EOF) {
    return fail("{}", archive_message(outer));
  }
  if (!have_control || !have_data) {
    return fail("missing {} archive", have_control ? "data" : "control");
  }
  unpacker.commit();
  return {};
}

} // namespace

const std::string& ControlArchive::member(const std::string& name) const {
  static const std::string k_empty;
  const auto it = members.find(name);
  return it == members.end() ? k_empty : it->second;
}

Result<DebPackage> read_deb(const std::filesystem::path& deb, const ReadOptions& options) {
  ArchivePtr outer(archive_read_new());
  if (!outer) {
    return fail("{}: out of memory", deb.string());
  }
  archive_read_support_format_ar(outer.get());
  if (archive_read_open_filename(outer.get(), deb.c_str(), 1u << 16) != ARCHIVE_OK) {
    return fail("{}: {}", deb.string(), archive_message(outer.get()));
  }
  DebPackage package;
  if (auto ok = read_members(outer.get(), options, deb.filename().string(), package); !ok) {
    return std::unexpected(ok.error().context(deb.string()));
  }
  return package;
}

} // namespace distill::backend::deb
