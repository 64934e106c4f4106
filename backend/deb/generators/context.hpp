#pragma once

// What the maintainer-script generators see: the installed packages (their
// control data and unpacked trees), the union of their trees (the image below
// the generated layer), and the time for generated files. Generators write
// into the generated layer and note what they could not model.

#include "backend/deb/deb_reader.hpp"
#include "backend/fs/tree.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::deb::generators {

struct Installed {
  std::string name;
  std::string version;
  std::string arch;       // as in control: "amd64", "all"
  std::string multi_arch; // "same", "foreign", "allowed" or ""
  const DebPackage* deb = nullptr;
};

// A maintainer-script effect distill did not reproduce; the build prints it.
struct Finding {
  std::string package;
  std::string what;
  friend bool operator==(const Finding&, const Finding&) = default;
};

struct Context {
  std::vector<Installed> packages; // sorted by name
  const fs::Tree* image = nullptr; // union of the package trees
  std::int64_t epoch = 0;          // mtime of generated files (SOURCE_DATE_EPOCH)
  bool merged_usr = true;
  std::string arch = "amd64";      // the image's dpkg architecture

  // The installed package called `name`, or null.
  const Installed* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
};

// The image path's file content, following symlinks in `tree`; "" when absent.
std::string read_image_file(const fs::Tree& tree, std::string_view path);

// A generated regular file: root-owned, mtime `mtime`.
fs::Entry generated_file(std::string content, std::uint32_t mode, std::int64_t mtime,
                         std::uint32_t uid = 0, std::uint32_t gid = 0);

// Sets a path in the generated layer, reporting a failure as "<path>: ...".
support::Result<void> put(fs::Tree& out, std::string_view path, fs::Entry entry);

} // namespace distill::backend::deb::generators
