#pragma once

// Places data.tar members into a tree safely (see deb_reader.hpp): rejects
// ".." components, paths that go through a symlink, hard links to anything
// but an earlier regular member, device nodes and fifos; maps absolute member
// names under the root; applies the merged-/usr rewrite; spools big files.

#include "backend/deb/deb_reader.hpp"
#include "backend/deb/tar_member.hpp"

#include <cstdio>
#include <memory>

namespace distill::backend::deb {

class DataUnpacker {
public:
  // `label` names the package in errors and the spool file.
  DataUnpacker(const ReadOptions& options, std::string label, DebPackage& out);
  ~DataUnpacker();
  DataUnpacker(const DataUnpacker&) = delete;
  DataUnpacker& operator=(const DataUnpacker&) = delete;

  // Adds one member, reading its bytes from `bytes`; fails on an unsafe member.
  support::Result<void> add(const TarMember& member, MemberBytes& bytes);
  // Keeps the spool file (the tree refers to it); without this call the
  // destructor deletes it, so a failed read leaves nothing behind.
  void commit() { m_keep = true; }

private:
  support::Result<fs::Content> read_content(const TarMember& member, MemberBytes& bytes);
  support::Result<void> check_parents(const std::string& path) const;
  support::Result<void> place(const std::string& path, fs::Entry entry);

  const ReadOptions& m_options;
  std::string m_label;
  DebPackage& m_out;
  std::filesystem::path m_spool_path;
  std::FILE* m_spool = nullptr;
  std::uint64_t m_spool_size = 0;
  bool m_keep = false;
};

// The normalized tree path for a stored member name: "./usr/bin/" ->
// "/usr/bin"; "/etc/x" -> "/etc/x" (absolute names stay under the root).
// Fails on "..", NUL, or an empty name. The root itself gives "/".
support::Result<std::string> member_path(std::string_view stored);

} // namespace distill::backend::deb
