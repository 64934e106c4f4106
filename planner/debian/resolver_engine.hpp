#pragma once

// apt's marking algorithm (pkgDepCache::MarkInstall and helpers, as in apt
// 2.6) over a Universe. Internal to the resolver: resolver.hpp is the API.

#include "planner/debian/universe.hpp"

#include <map>
#include <string>
#include <vector>

namespace distill::planner::debian {

// One way to satisfy a relation: a version of a key.
struct Solution {
  Key key;
  const Package* version;
  friend bool operator==(const Solution&, const Solution&) = default;
};

// Which versions a solution search looks at (apt's CacheSetHelper selectors).
enum class Selector { candidate, installed, candidate_and_installed };

// Which version of each key a group is checked against.
enum class StateOf { install, candidate, current };

// A critical dependency that could not be satisfied, kept for the error.
struct Failure {
  Key key;
  const Package* version;
  DepGroup group;
};

class Engine {
public:
  explicit Engine(Universe& universe) : m_u(universe) {}

  // pkgDepCache::MarkInstall: marks `key`'s candidate for installation and,
  // with `auto_inst`, its dependencies; false when it (or, unless protected,
  // one of its critical dependencies) cannot be installed.
  bool mark_install(Key key, bool auto_inst, unsigned depth, bool from_user, const Reason& reason);

  // True when the group holds with every key at the version `state` names
  // (a Conflicts/Breaks group "holds" when nothing violates it).
  bool group_holds(const DepGroup& group, std::string_view from_arch, Key self, StateOf state);
  // The versions that could satisfy a positive group, in apt's preference
  // order when `sorted` (installed packages first, CompareProviders).
  std::vector<Solution> solutions(const DepGroup& group, std::string_view from_arch, Selector selector,
                                  bool sorted);
  bool important(DepType type) const;

  const std::vector<Failure>& failures() const { return m_failures; }
  Universe& universe() { return m_u; }

private:
  bool inst_broken(Key key);
  bool is_install_ok(Key key, bool auto_inst);
  void state_change(Key key, const Reason& reason);
  void discard_install(Key key);
  bool compare_providers(std::string_view target, const Solution& a, const Solution& b);
  std::vector<Solution> relation_solutions(const Relation& rel, std::string_view from_arch, Selector selector);
  bool remove_conflicts(Key key, const std::vector<DepGroup>& to_remove, std::vector<Key>& to_upgrade,
                        bool propagate, bool from_user);
  void collect_reverse_depends(Key key, std::vector<Key>& to_upgrade);
  bool upgrade_or_remove(const std::vector<Key>& to_upgrade, unsigned depth, bool propagate, bool from_user,
                         const Reason& reason);
  bool skip_old_unsatisfied(Key key, const DepGroup& group);
  void upgrade_same_source(Key key, unsigned depth);
  bool install_dependencies(Key key, unsigned depth, const std::vector<DepGroup>& to_install, bool propagate,
                            bool from_user);

  Universe& m_u;
  std::vector<Failure> m_failures;
};

} // namespace distill::planner::debian
