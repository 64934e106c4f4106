// The parts of apt's MarkInstall that touch other packages than the one
// being marked and its dependencies: Conflicts/Breaks against what is already
// selected or installed, installed packages a new version would break, and
// installed binaries of the same source (see resolver_engine.cpp).

#include "planner/debian/resolver_engine.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace distill::planner::debian {

bool Engine::remove_conflicts(Key key, const std::vector<DepGroup>& to_remove, std::vector<Key>& to_upgrade,
                              bool propagate, bool from_user) {
  const Package* cand = m_u.candidate(key);
  std::string_view arch = m_u.dep_arch(*cand);
  bool failed = false;
  for (const DepGroup& group : to_remove) {
    std::vector<Key> bad_candidate;
    for (const Relation& rel : *group.alternatives) {
      for (const Solution& s : relation_solutions(rel, arch, Selector::candidate)) {
        KeyInfo& other = m_u.info(s.key);
        if (s.key == key || other.state.candidate != s.version) {
          continue;
        }
        if (other.current != s.version) {
          if (other.state.marked) {
            // MarkKeep: a protected package keeps its mark, and that fails.
            if (other.state.protect) {
              failed = true;
              m_failures.push_back(Failure{key, cand, group});
            } else {
              other.state.marked = false;
            }
          } else if (propagate) {
            other.state.candidate = other.current;
            if (other.current == nullptr) {
              other.state.protect = true;
            }
          } else {
            bad_candidate.push_back(s.key);
          }
        } else {
          // apt would remove the installed package; distill never removes.
          failed = true;
          m_failures.push_back(Failure{key, cand, group});
        }
        if (failed && !propagate && !from_user) {
          return false;
        }
      }
      for (const Solution& s : relation_solutions(rel, arch, Selector::installed)) {
        KeyInfo& other = m_u.info(s.key);
        if (s.key == key) {
          continue;
        }
        bool bad = std::find(bad_candidate.begin(), bad_candidate.end(), s.key) != bad_candidate.end();
        if (other.state.candidate != s.version && other.state.candidate != nullptr && !bad) {
          to_upgrade.push_back(s.key);
        } else if (other.state.candidate != other.current) {
          failed = true;
          m_failures.push_back(Failure{key, cand, group});
          if (!propagate && !from_user) {
            return false;
          }
        }
      }
    }
  }
  return !failed;
}

// MarkInstall_CollectReverseDepends: installed packages whose dependency on
// the old version the new one would break are upgraded too.
void Engine::collect_reverse_depends(Key key, std::vector<Key>& to_upgrade) {
  KeyInfo& k = m_u.info(key);
  if (k.current == nullptr || k.state.candidate == nullptr) {
    return;
  }
  for (Key other : m_u.installed_keys()) {
    KeyInfo& o = m_u.info(other);
    if (o.state.marked || other == key) {
      continue;
    }
    std::string_view arch = m_u.dep_arch(*o.current);
    for (const DepGroup& group : m_u.deps(o.current)) {
      if (!important(group.type) || is_negative(group.type)) {
        continue;
      }
      for (const Relation& rel : *group.alternatives) {
        if (rel.name != k.name) {
          continue;
        }
        if (m_u.satisfies(rel, arch, key, k.current) && !m_u.satisfies(rel, arch, key, k.state.candidate) &&
            std::find(to_upgrade.begin(), to_upgrade.end(), other) == to_upgrade.end()) {
          to_upgrade.push_back(other);
        }
      }
    }
  }
}

bool Engine::upgrade_or_remove(const std::vector<Key>& to_upgrade, unsigned depth, bool propagate,
                               bool from_user, const Reason& reason) {
  bool failed = false;
  for (Key other : to_upgrade) {
    if (m_u.state(other).marked) {
      continue;
    }
    if (!mark_install(other, true, depth + 1, false, reason)) {
      failed = true; // apt would remove it; distill never removes
      if (!propagate && !from_user) {
        break;
      }
    } else if (propagate) {
      m_u.state(other).protect = true;
    }
  }
  return !failed;
}

// apt 2.6 (APT::Get::Upgrade-By-Source-Package) upgrades the installed
// binaries built from the same source version along with a package, without
// pulling in their dependencies.
void Engine::upgrade_same_source(Key key, unsigned depth) {
  const Package* cand = m_u.candidate(key);
  if (cand == nullptr || m_u.installed_keys().empty()) {
    return;
  }
  Reason reason;
  reason.parent = std::string(cand->name);
  reason.relation = fmt::format("Source: {} (= {})", cand->source, cand->source_version);
  // Copy: marking can create keys, and with them the lazily built map.
  const std::vector<Key> siblings = m_u.installed_from_source(cand->source);
  for (Key other : siblings) {
    const KeyInfo& o = m_u.info(other);
    const Package* oc = o.state.candidate;
    if (other == key || o.state.marked || oc == nullptr || oc == o.current || oc->source != cand->source ||
        oc->source_version != cand->source_version) {
      continue;
    }
    mark_install(other, false, depth + 1, false, reason);
  }
}

} // namespace distill::planner::debian
