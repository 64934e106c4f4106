#pragma once

// The host's apt sources, read like apt reads them: /etc/apt/sources.list and
// sources.list.d/*.list (one-line format, "deb [opts] uri suite comps...")
// and sources.list.d/*.sources (deb822 stanzas).

#include "support/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::archive {

// One "deb" line or one deb822 stanza (lists expanded as written).
struct AptSourceEntry {
  std::vector<std::string> types; // "deb", "deb-src"
  std::vector<std::string> uris;
  std::vector<std::string> suites;
  std::vector<std::string> components;
  std::vector<std::string> architectures; // empty: the host's
  std::vector<std::string> signed_by;     // keyring paths or key fingerprints
  std::string signed_by_key;              // an inline armored key (deb822 only)
  bool enabled = true;
  std::optional<bool> trusted;
  std::optional<bool> check_valid_until;
  std::string file; // where it was read, for messages
  std::size_t line = 0;
};

// Parses the one-line format; `file` names the text in errors ("file:line: ...").
support::Result<std::vector<AptSourceEntry>> parse_one_line_sources(std::string_view text,
                                                                    std::string_view file);

// Parses the deb822 format (the control parser, comments allowed).
support::Result<std::vector<AptSourceEntry>> parse_deb822_sources(std::string_view text,
                                                                  std::string_view file);

// Reads root/etc/apt/sources.list, then sources.list.d/*.list and *.sources in
// name order (apt ignores other names, e.g. "*.disabled"). Missing files are
// fine; a malformed one fails with file:line.
support::Result<std::vector<AptSourceEntry>> read_host_apt_sources(const std::filesystem::path& root);

} // namespace distill::backend::archive
