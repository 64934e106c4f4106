#pragma once

// Helpers for the deb_* and base_* tests: temporary directories, real .debs
// built with dpkg-deb, and hand-made (malicious) .debs written with libarchive.

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace distill::backend::testing {

namespace stdfs = std::filesystem;

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }

private:
  std::filesystem::path m_path;
};

// One thing to put into a package's staging tree.
struct StagedFile {
  enum class Kind { file, dir, symlink, hardlink };
  Kind kind = Kind::file;
  std::string path;    // relative to the package root, e.g. "bin/tool"
  std::string content; // file content, symlink target, or hard link's existing path
  unsigned mode = 0644;
  int uid = 0;
  int gid = 0;
};

struct DebSpec {
  std::string name = "demo";
  std::string version = "1.0-1";
  std::string arch = "amd64";
  std::string extra_control;                                  // more "Field: value" lines
  std::vector<std::pair<std::string, std::string>> control_files; // postinst, md5sums...
  std::vector<StagedFile> files;
  std::string compression = "xz"; // dpkg-deb -Z
};

// Builds `spec` with `dpkg-deb --build` into `dir`; returns the .deb path, or
// an empty path (with the tool's output in `log`) when dpkg-deb fails.
std::filesystem::path build_deb(const std::filesystem::path& dir, const DebSpec& spec,
                                std::string* log = nullptr);

// A member of a hand-written data.tar: any name, including "../x" or "/etc/x".
struct RawMember {
  std::string name;
  char type = 'f'; // 'f' file, 'd' directory, 'l' symlink, 'h' hard link, 'c' char device
  std::string content; // file bytes or link target
  unsigned mode = 0644;
};

// Writes a .deb (ar: debian-binary, control.tar.gz, data.tar.gz) whose data
// archive holds exactly `members`, bypassing dpkg-deb's sanity checks.
void write_raw_deb(const std::filesystem::path& path, const std::string& control,
                   const std::vector<RawMember>& members);

// Runs a shell command; returns its exit status and puts stdout in `out`.
int run_command(const std::string& command, std::string* out = nullptr);

// ---- definitions (header-only: the test CMake globs only *_test.cpp) ----



inline TempDir::TempDir() {
  std::string pattern = (stdfs::temp_directory_path() / "distill-deb-test.XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  m_path = pattern;
}

inline TempDir::~TempDir() {
  std::error_code ec;
  stdfs::remove_all(m_path, ec);
}

inline int run_command(const std::string& command, std::string* out) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return -1;
  }
  std::array<char, 4096> buffer{};
  std::string text;
  while (auto n = fread(buffer.data(), 1, buffer.size(), pipe)) {
    text.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  if (out != nullptr) {
    *out = text;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

namespace detail {

inline void write_text(const stdfs::path& path, const std::string& text) {
  stdfs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

} // namespace detail

inline stdfs::path build_deb(const stdfs::path& dir, const DebSpec& spec, std::string* log) {
  const stdfs::path root = dir / ("stage-" + spec.name);
  stdfs::create_directories(root / "DEBIAN");
  detail::write_text(root / "DEBIAN" / "control",
             "Package: " + spec.name + "\nVersion: " + spec.version +
                 "\nArchitecture: " + spec.arch +
                 "\nMaintainer: Test <test@example.invalid>\n" + spec.extra_control +
                 "Description: test package\n a package built by distill's tests\n");
  for (const auto& [name, text] : spec.control_files) {
    detail::write_text(root / "DEBIAN" / name, text);
    const bool script = name == "postinst" || name == "preinst" || name == "prerm" ||
                        name == "postrm" || name == "config";
    stdfs::permissions(root / "DEBIAN" / name,
                       script ? stdfs::perms(0755) : stdfs::perms(0644));
  }
  for (const auto& file : spec.files) {
    const stdfs::path path = root / file.path;
    stdfs::create_directories(path.parent_path());
    switch (file.kind) {
    case StagedFile::Kind::dir:
      stdfs::create_directories(path);
      break;
    case StagedFile::Kind::file:
      detail::write_text(path, file.content);
      break;
    case StagedFile::Kind::symlink:
      stdfs::create_symlink(file.content, path);
      break;
    case StagedFile::Kind::hardlink:
      stdfs::create_hard_link(root / file.content, path);
      break;
    }
    if (file.kind != StagedFile::Kind::symlink) {
      if (lchown(path.c_str(), file.uid, file.gid) != 0) {
        // not root: owners stay the caller's; tests that need them skip
      }
      chmod(path.c_str(), file.mode);
    }
  }
  const stdfs::path deb = dir / (spec.name + "_" + spec.version + "_" + spec.arch + ".deb");
  std::string out;
  const int status = run_command("dpkg-deb -Z" + spec.compression + " --build '" + root.string() +
                                     "' '" + deb.string() + "'",
                                 &out);
  if (log != nullptr) {
    *log = out;
  }
  return status == 0 ? deb : stdfs::path();
}

namespace detail {

struct WriterFree {
  void operator()(archive* a) const { archive_write_free(a); }
};

inline std::string make_tar_gz(const std::vector<RawMember>& members) {
  std::unique_ptr<archive, WriterFree> writer(archive_write_new());
  archive_write_set_format_gnutar(writer.get());
  archive_write_add_filter_gzip(writer.get());
  std::vector<char> buffer(1u << 22);
  size_t used = 0;
  archive_write_open_memory(writer.get(), buffer.data(), buffer.size(), &used);
  for (const auto& member : members) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, member.name.c_str());
    archive_entry_set_perm(entry, member.mode);
    archive_entry_set_mtime(entry, 1700000000, 0);
    switch (member.type) {
    case 'd': archive_entry_set_filetype(entry, AE_IFDIR); break;
    case 'l':
      archive_entry_set_filetype(entry, AE_IFLNK);
      archive_entry_set_symlink(entry, member.content.c_str());
      break;
    case 'h':
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_hardlink(entry, member.content.c_str());
      break;
    case 'c':
      archive_entry_set_filetype(entry, AE_IFCHR);
      archive_entry_set_rdevmajor(entry, 1);
      archive_entry_set_rdevminor(entry, 3);
      break;
    default:
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_size(entry, static_cast<la_int64_t>(member.content.size()));
    }
    archive_write_header(writer.get(), entry);
    if (member.type == 'f') {
      archive_write_data(writer.get(), member.content.data(), member.content.size());
    }
    archive_entry_free(entry);
  }
  archive_write_close(writer.get());
  return std::string(buffer.data(), used);
}

} // namespace detail

inline void write_raw_deb(const stdfs::path& path, const std::string& control,
                   const std::vector<RawMember>& members) {
  const std::string control_tar = detail::make_tar_gz({RawMember{"./control", 'f', control, 0644}});
  const std::string data_tar = detail::make_tar_gz(members);
  std::unique_ptr<archive, detail::WriterFree> writer(archive_write_new());
  archive_write_set_format_ar_svr4(writer.get());
  archive_write_open_filename(writer.get(), path.c_str());
  auto add = [&](const char* name, const std::string& data) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name);
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(data.size()));
    archive_write_header(writer.get(), entry);
    archive_write_data(writer.get(), data.data(), data.size());
    archive_entry_free(entry);
  };
  add("debian-binary", "2.0\n");
  add("control.tar.gz", control_tar);
  add("data.tar.gz", data_tar);
  archive_write_close(writer.get());
}

} // namespace distill::backend::testing
