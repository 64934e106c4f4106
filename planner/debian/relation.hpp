#pragma once

// Dependency fields: "a (>= 1.0) | b:any, c [amd64 !i386] <!nocheck> <stage1>"
// (Depends, Pre-Depends, Recommends, Conflicts, Breaks, Provides, Build-Depends).

#include "support/error.hpp"

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace distill::planner::debian {

enum class RelationOp { none, lt, le, eq, ge, gt }; // none, <<, <=, =, >=, >>

// "<<", "<=", "=", ">=", ">>" (or "" for none).
std::string_view to_string(RelationOp op);

// One "[!]arch" of an architecture restriction list.
struct ArchTerm {
  bool negated = false;
  std::string_view arch;
  friend bool operator==(const ArchTerm&, const ArchTerm&) = default;
};

// One "[!]profile" inside a "<...>" group.
struct ProfileTerm {
  bool negated = false;
  std::string_view profile;
  friend bool operator==(const ProfileTerm&, const ProfileTerm&) = default;
};

// One package relation; views point into the parsed text.
struct Relation {
  std::string_view name;
  std::string_view arch_qualifier; // "any", "native", an arch, or empty
  RelationOp op = RelationOp::none;
  std::string_view version; // empty when op is none
  std::vector<ArchTerm> arches;                 // "[...]", empty = all
  std::vector<std::vector<ProfileTerm>> profiles; // "<...> <...>", empty = all

  friend bool operator==(const Relation&, const Relation&) = default;
};

// "a | b": the alternatives of one dependency, left to right.
using Alternatives = std::vector<Relation>;
// "x, y": every entry must hold.
using RelationList = std::vector<Alternatives>;

// Parses a relation field; fails with the offending text and what was
// expected, e.g. "in 'a (>= 1': expected ')' after the version".
support::Result<RelationList> parse_relations(std::string_view text);

// True when `version` satisfies "op target" (none: always).
bool version_satisfies(std::string_view version, RelationOp op, std::string_view target);

// True when the relation's "[...]" list admits `arch` (dpkg's wildcards
// "any", "linux-any", "any-<cpu>" included).
bool applies_to_arch(const Relation& relation, std::string_view arch);

// True when the relation's "<...>" groups admit the active build profiles.
bool applies_to_profiles(const Relation& relation, const std::set<std::string, std::less<>>& active);

// Drops relations whose arch or profile restrictions exclude them, and
// entries left with no alternative (as dpkg-checkbuilddeps reduces them).
RelationList reduce_relations(const RelationList& relations, std::string_view arch,
                              const std::set<std::string, std::less<>>& active_profiles);

// The relation in canonical form: "name:arch (op version) [arches] <profiles>".
std::string to_string(const Relation& relation);
// "a (>= 1) | b".
std::string to_string(const Alternatives& alternatives);
// "a, b | c".
std::string to_string(const RelationList& relations);

} // namespace distill::planner::debian
