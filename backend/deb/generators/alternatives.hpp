#pragma once

// update-alternatives, statically: `update-alternatives --install LINK NAME
// PATH PRIORITY [--slave LINK NAME PATH]...` lines are read from postinst
// scripts; per NAME the highest priority wins (ties: the first path in byte
// order, like dpkg's sorted choices) and the links are emitted as dpkg 1.21
// leaves them: LINK -> /etc/alternatives/NAME -> PATH, slaves likewise, each
// link with its target's mtime, plus the /var/lib/dpkg/alternatives/NAME file.

#include "backend/deb/generators/context.hpp"

#include <optional>

namespace distill::backend::deb::generators {

struct AlternativeSlave {
  std::string link;
  std::string name;
  std::string path;
};

struct AlternativeChoice {
  std::string package;
  std::string link; // master link
  std::string name;
  std::string path;
  long priority = 0;
  std::vector<AlternativeSlave> slaves;
};

// The --install commands of one script; lines that cannot be read statically
// (computed arguments, missing operands) become findings for `package`.
std::vector<AlternativeChoice> parse_alternatives(std::string_view script,
                                                  const std::string& package,
                                                  std::vector<Finding>& findings);

// The text of /var/lib/dpkg/alternatives/NAME for `choices` of one name.
std::string alternatives_db_text(const std::vector<AlternativeChoice>& choices);

// Emits the links of every installed package's alternatives into `out`, and
// with `write_db` dpkg's alternatives files. A master link that is a real
// file in the image is left alone and reported.
support::Result<void> generate_alternatives(const Context& context, bool write_db, fs::Tree& out,
                                            std::vector<Finding>& findings);

} // namespace distill::backend::deb::generators
