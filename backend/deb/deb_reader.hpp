#pragma once

// Reading a Debian binary package (.deb, deb(5)) without dpkg: the control
// archive's members as text, and the data archive unpacked into an in-memory
// tree (backend/fs/tree.hpp). Extraction is safe by construction: nothing is
// written to disk except spooled file contents, and paths that climb out of
// the root, go through a symlink, or hard-link outside the package are errors.

#include "backend/fs/tree.hpp"
#include "support/error.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace distill::backend::deb {

// The members of control.tar, verbatim.
struct ControlArchive {
  std::string control;   // the "control" stanza (required)
  std::string md5sums;   // "<md5>  <path>" lines; empty when absent
  std::string conffiles; // one absolute path a line; empty when absent
  std::string triggers;  // "interest ..."/"activate ..." lines; empty when absent
  // Every regular member by name ("postinst", "preinst", "templates", "shlibs"...),
  // including the ones above, so dpkg's info/ directory can be rebuilt.
  std::map<std::string, std::string> members;

  // The member's text, or "" when the package has none ("postinst"...).
  const std::string& member(const std::string& name) const;
};

struct ReadOptions {
  // Rewrite /bin, /sbin, /lib, /lib32, /lib64, /libx32 (and /libo32) into
  // /usr at unpack time (usrmerge.hpp).
  bool merged_usr = true;
  // Regular files of at least `spool_threshold` bytes are streamed into one
  // spool file per package under `spool_dir` (the tree then refers to byte
  // ranges of it). Empty `spool_dir`: everything stays in memory.
  std::filesystem::path spool_dir;
  std::uint64_t spool_threshold = 1u << 20;
};

struct DebPackage {
  ControlArchive control;
  fs::Tree data; // data.tar, paths already merged into /usr when asked
  // data.tar member paths in archive order with the package's own spelling
  // ("/bin/dash", "/usr/share"), without the root: what dpkg's info/<pkg>.list
  // holds after its "/." line.
  std::vector<std::string> listed_paths;
  std::string data_compression; // "xz", "zstd", "gzip", "bzip2", "none"...
};

// Reads `deb`; fails with "<file>: <reason>" on a malformed package, an
// unsupported compression, an unsafe member (see above), a device node, or a
// merged-/usr clash of two different files.
support::Result<DebPackage> read_deb(const std::filesystem::path& deb,
                                     const ReadOptions& options = {});

} // namespace distill::backend::deb
