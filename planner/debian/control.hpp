#pragma once

// deb822 control data: Packages, Release/InRelease bodies, dpkg status,
// .dsc and deb822 sources.list files. Parsing is zero-copy: names and values
// are views into the text the caller passed, which must outlive the result.

#include "support/error.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace distill::planner::debian {

// One "Name: value" field. For a multi-line field the value spans every
// continuation line, newlines and their leading whitespace included (so
// "SHA256:" in a Release file starts with an empty first line); leading and
// trailing whitespace of the whole value is trimmed.
struct Field {
  std::string_view name;
  std::string_view value;
  std::size_t line = 0; // 1-based line of the field name
};

// One paragraph of fields, in file order.
struct Stanza {
  std::vector<Field> fields;
  std::size_t line = 0; // 1-based line of the first field

  // The value of field `name` (ASCII case-insensitive), or "" when absent.
  std::string_view get(std::string_view name) const;
  // The field called `name` (case-insensitive), or nullptr when absent.
  const Field* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }

  // Storage for the rare values that cannot be views into the input (a
  // comment line or CRLF inside a multi-line value); kept stable on move.
  std::vector<std::unique_ptr<std::string>> owned;
};

struct ControlOptions {
  // Lines starting with '#' are ignored (deb822 sources, debian/control);
  // when false they are a syntax error, as in Packages files for dpkg.
  bool allow_comments = true;
  // A second field with the same name (case-insensitive) is an error.
  bool reject_duplicates = true;
};

// Parses every stanza of `text`; fails on the first malformed line with
// "line N: ..." (a line without a colon, a continuation without a field, a
// duplicate field, an empty field name).
support::Result<std::vector<Stanza>> parse_control(std::string_view text,
                                                   const ControlOptions& options = {});

// Calls `visit` once per stanza, reusing one Stanza object (so no copy of the
// whole file's fields is kept); stops at the first parse error or the first
// error `visit` returns, and returns it.
support::Result<void> for_each_stanza(
    std::string_view text, const std::function<support::Result<void>(const Stanza&)>& visit,
    const ControlOptions& options = {});

// True when `a` and `b` are equal ignoring ASCII case (field names).
bool iequals(std::string_view a, std::string_view b);

// The lines of a multi-line value, each trimmed of surrounding whitespace,
// without empty lines; a lone "." line (an empty paragraph line) is kept as
// ".". E.g. the file list of a Release "SHA256:" field.
std::vector<std::string_view> value_lines(std::string_view value);

// The first line of a value (e.g. a Description's synopsis).
std::string_view first_line(std::string_view value);

} // namespace distill::planner::debian
