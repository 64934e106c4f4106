#pragma once

// The seam between libarchive (deb_reader.cpp, the only file that includes
// it) and the code that places members into a tree (data_unpack.cpp): one
// member's header as plain data, and a way to pull its bytes.

#include "backend/fs/tree.hpp"
#include "support/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace distill::backend::deb {

struct TarMember {
  std::string path; // as stored ("./usr/bin/ls", "usr/", "/etc/x")
  fs::EntryType type = fs::EntryType::regular;
  std::uint32_t mode = 0644; // permission bits only (07777)
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::string uname;
  std::string gname;
  std::int64_t mtime = 0;
  std::string link;        // symlink target, or hard link's stored path
  std::uint64_t size = 0;  // regular files
};

// Pulls the current member's bytes; read() returns 0 at the end.
class MemberBytes {
public:
  virtual ~MemberBytes() = default;
  virtual support::Result<std::size_t> read(char* buffer, std::size_t capacity) = 0;
};

} // namespace distill::backend::deb
