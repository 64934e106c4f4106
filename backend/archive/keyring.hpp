#pragma once

// Which keys may sign an archive: files (binary or ASCII-armored) and
// inline armored blocks (deb822 "Signed-By:" may hold one).

#include "support/error.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::archive {

struct Keyrings {
  std::vector<std::filesystem::path> files;
  std::vector<std::string> armored; // "-----BEGIN PGP PUBLIC KEY BLOCK-----" texts

  bool empty() const { return files.empty() && armored.empty(); }
};

// The distro's archive keyring path under `root` ("debian": debian-archive-
// keyring.gpg, "ubuntu": ubuntu-archive-keyring.gpg), or "" for another distro.
std::filesystem::path default_keyring_path(std::string_view distro,
                                           const std::filesystem::path& root = "/");

// The binary packets of every armored block in `text` (what `gpg --dearmor`
// gives); fails naming `what` when there is no block or the base64 is bad.
support::Result<std::string> dearmor(std::string_view text, std::string_view what);

// True when `data` starts (after blank space) with an ASCII armor line.
bool is_armored(std::string_view data);

} // namespace distill::backend::archive
