#include "planner/debian/resolver_engine.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace distill::planner::debian {
namespace {

// Deeper recursion than this means a bug or a pathological index.
constexpr unsigned k_max_depth = 4000;

// A Reason naming `parent` and the dependency that pulled a package in.
Reason dependency_reason(const Package& parent, const DepGroup& group) {
  Reason reason;
  reason.parent = std::string(parent.name);
  reason.relation = fmt::format("{}: {}", to_string(group.type), to_string(*group.alternatives));
  return reason;
}

} // namespace

bool Engine::important(DepType type) const {
  switch (type) {
  case DepType::pre_depends:
  case DepType::depends:
  case DepType::conflicts:
  case DepType::breaks:
    return true;
  case DepType::recommends:
    return m_u.options().install_recommends;
  case DepType::suggests:
    return m_u.options().install_suggests;
  }
  return false;
}

bool Engine::group_holds(const DepGroup& group, std::string_view from_arch, Key self, StateOf state) {
  auto version_of = [&](Key key) -> const Package* {
    switch (state) {
    case StateOf::install:
      return m_u.install_version(key);
    case StateOf::candidate:
      return m_u.candidate(key);
    case StateOf::current:
      return m_u.current(key);
    }
    return nullptr;
  };
  const bool negative = is_negative(group.type);
  for (const Relation& rel : *group.alternatives) {
    bool hit = false;
    for (Key key : m_u.keys_named(rel.name)) {
      if (negative && key == self) {
        continue; // a package never conflicts with itself
      }
      const Package* v = version_of(key);
      if (v != nullptr && m_u.satisfies(rel, from_arch, key, v)) {
        hit = true;
        break;
      }
    }
    if (!hit) {
      for (const ProviderEntry& entry : m_u.providers(rel.name)) {
        if (negative && entry.key == self) {
          continue;
        }
        if (version_of(entry.key) == entry.version && m_u.provides(rel, from_arch, entry)) {
          hit = true;
          break;
        }
      }
    }
    if (hit) {
      return !negative;
    }
  }
  return negative;
}

bool Engine::inst_broken(Key key) {
  const Package* v = m_u.install_version(key);
  if (v == nullptr) {
    return false;
  }
  std::string_view arch = m_u.dep_arch(*v);
  for (const DepGroup& group : m_u.deps(v)) {
    if (!important(group.type)) {
      continue;
    }
    if (!group_holds(group, arch, key, StateOf::install)) {
      return true;
    }
  }
  return false;
}

std::vector<Solution> Engine::relation_solutions(const Relation& rel, std::string_view from_arch,
                                                 Selector selector) {
  std::vector<Solution> out;
  auto add = [&](Key key, const Package* v) {
    if (std::find(out.begin(), out.end(), Solution{key, v}) == out.end()) {
      out.push_back(Solution{key, v});
    }
  };
  bool want_candidate = selector != Selector::installed;
  bool want_installed = selector != Selector::candidate;
  for (Key key : m_u.keys_named(rel.name)) {
    if (want_candidate) {
      if (const Package* v = m_u.candidate(key); v != nullptr && m_u.satisfies(rel, from_arch, key, v)) {
        add(key, v);
      }
    }
    if (want_installed) {
      if (const Package* v = m_u.current(key); v != nullptr && m_u.satisfies(rel, from_arch, key, v)) {
        add(key, v);
      }
    }
  }
  for (const ProviderEntry& entry : m_u.providers(rel.name)) {
    bool selected = (want_candidate && m_u.candidate(entry.key) == entry.version) ||
                    (want_installed && m_u.current(entry.key) == entry.version);
    if (selected && m_u.provides(rel, from_arch, entry)) {
      add(entry.key, entry.version);
    }
  }
  return out;
}

// apt's CompareProviders: true when `a` is preferred to `b`.
bool Engine::compare_providers(std::string_view target, const Solution& a, const Solution& b) {
  const KeyInfo& ka = m_u.info(a.key);
  const KeyInfo& kb = m_u.info(b.key);
  if (ka.state.protect != kb.state.protect) {
    return ka.state.protect;
  }
  if (a.version->multi_arch == MultiArch::same || b.version->multi_arch == MultiArch::same) {
    auto sibling_installed = [&](const Solution& s) {
      if (s.version->multi_arch != MultiArch::same) {
        return false;
      }
      for (Key key : m_u.keys_named(m_u.info(s.key).name)) {
        if (m_u.current(key) != nullptr) {
          return true;
        }
      }
      return false;
    };
    bool ia = sibling_installed(a);
    bool ib = sibling_installed(b);
    if (ia != ib) {
      return ia;
    }
  }
  if ((ka.current == nullptr) != (kb.current == nullptr)) {
    return ka.current != nullptr;
  }
  if (ka.name != kb.name) {
    if (ka.name == target) {
      return true;
    }
    if (kb.name == target) {
      return false;
    }
  }
  if (a.version->essential != b.version->essential) {
    return a.version->essential;
  }
  if (a.version->important != b.version->important) {
    return a.version->important;
  }
  if (ka.arch != kb.arch) {
    return m_u.arch_order(ka.arch) < m_u.arch_order(kb.arch);
  }
  int pa = Universe::priority_number(a.version->priority);
  int pb = Universe::priority_number(b.version->priority);
  if (pa != pb) {
    return pa < pb;
  }
  return m_u.rank(a.key) > m_u.rank(b.key);
}

std::vector<Solution> Engine::solutions(const DepGroup& group, std::string_view from_arch, Selector selector,
                                        bool sorted) {
  std::vector<Solution> installed;
  std::vector<Solution> fresh;
  for (const Relation& rel : *group.alternatives) {
    std::vector<Solution> list = relation_solutions(rel, from_arch, selector);
    if (!sorted) {
      installed.insert(installed.end(), list.begin(), list.end());
      continue;
    }
    std::stable_sort(list.begin(), list.end(),
                     [&](const Solution& a, const Solution& b) { return compare_providers(rel.name, a, b); });
    for (const Solution& s : list) {
      (m_u.current(s.key) != nullptr ? installed : fresh).push_back(s);
    }
  }
  installed.insert(installed.end(), fresh.begin(), fresh.end());
  if (!sorted) {
    std::stable_sort(installed.begin(), installed.end(), [&](const Solution& a, const Solution& b) {
      return std::pair(a.key, a.version) < std::pair(b.key, b.version);
    });
  }
  installed.erase(std::unique(installed.begin(), installed.end()), installed.end());
  if (!is_negative(group.type)) {
    // A protected package that is not going to be installed is no solution.
    std::erase_if(installed, [&](const Solution& s) {
      const KeyInfo& k = m_u.info(s.key);
      return k.state.protect && !k.state.marked && k.current == nullptr;
    });
  }
  return installed;
}

// IsInstallOkDependenciesSatisfiableByCandidates: one level of look-ahead;
// a candidate with a critical dependency nothing could satisfy is dropped.
bool Engine::is_install_ok(Key key, bool auto_inst) {
  KeyInfo& k = m_u.info(key);
  // A dpkg hold keeps an installed package unless the user asks.
  if (!auto_inst) {
    return true;
  }
  const Package* cand = k.state.candidate;
  if (cand == nullptr || cand == k.current) {
    return true;
  }
  std::string_view arch = m_u.dep_arch(*cand);
  for (const DepGroup& group : m_u.deps(cand)) {
    if (!is_critical(group.type) || is_negative(group.type)) {
      continue;
    }
    if (group_holds(group, arch, key, StateOf::install) || group_holds(group, arch, key, StateOf::candidate)) {
      continue;
    }
    m_failures.push_back(Failure{key, cand, group});
    if (!k.state.protect) {
      k.state.candidate = k.current;
      k.state.marked = false;
    }
    return false;
  }
  return true;
}

void Engine::state_change(Key key, const Reason& reason) {
  KeyInfo& k = m_u.info(key);
  k.state.marked = k.state.candidate != nullptr && k.state.candidate != k.current;
  if (k.state.marked) {
    k.state.reason = reason;
    k.state.reason_set = true;
  }
}

// MarkInstall_DiscardInstall: back to the installed version, and the
// candidate with it, so the package is not tried again.
void Engine::discard_install(Key key) {
  KeyInfo& k = m_u.info(key);
  k.state.marked = false;
  k.state.candidate = k.current;
}

// For an upgrade, apt only follows a non-critical dependency that is new or
// was satisfied before (an old unsatisfied Recommends stays ignored).
bool Engine::skip_old_unsatisfied(Key key, const DepGroup& group) {
  const Package* current = m_u.current(key);
  std::string_view target = group.alternatives->front().name;
  std::string_view arch = m_u.dep_arch(*current);
  bool is_new = true;
  for (const DepGroup& old : m_u.deps(current)) {
    if (is_critical(old.type) || !important(old.type)) {
      continue;
    }
    bool names_target = std::any_of(old.alternatives->begin(), old.alternatives->end(),
                                    [&](const Relation& r) { return r.name == target; });
    if (!names_target) {
      continue;
    }
    is_new = false;
    if (group_holds(old, arch, key, StateOf::current)) {
      return false;
    }
  }
  return !is_new;
}

bool Engine::install_dependencies(Key key, unsigned depth, const std::vector<DepGroup>& to_install,
                                  bool propagate, bool from_user) {
  const Package* version = m_u.candidate(key);
  std::string_view arch = m_u.dep_arch(*version);
  bool failed = false;
  for (const DepGroup& group : to_install) {
    bool found = group_holds(group, arch, key, StateOf::install);
    if (found && !propagate) {
      continue;
    }
    const bool critical = is_critical(group.type);
    Reason reason = dependency_reason(*version, group);
    if (found) {
      // Spread "protected" along a satisfied dependency with one solution.
      if (!critical) {
        continue;
      }
      auto possible = solutions(group, arch, Selector::candidate_and_installed, false);
      if (possible.size() != 1 || m_u.state(possible.front().key).protect) {
        continue;
      }
      m_u.state(possible.front().key).protect = true;
      if (!mark_install(possible.front().key, true, depth + 1, false, reason)) {
        failed = true;
      }
      continue;
    }
    if (m_u.current(key) != nullptr && !critical && skip_old_unsatisfied(key, group)) {
      continue;
    }
    auto possible = solutions(group, arch, Selector::candidate, true);
    for (const Solution& s : possible) {
      if (m_u.candidate(s.key) != s.version) {
        continue;
      }
      if (propagate && critical && possible.size() == 1) {
        if (!mark_install(s.key, false, depth + 1, false, reason)) {
          continue;
        }
        m_u.state(s.key).protect = true;
      }
      if (!mark_install(s.key, true, depth + 1, false, reason)) {
        continue;
      }
      found = true;
      break;
    }
    if (!found && critical) {
      m_failures.push_back(Failure{key, version, group});
      failed = true;
      if (!propagate && !from_user) {
        break;
      }
    }
  }
  return !failed;
}

bool Engine::mark_install(Key key, bool auto_inst, unsigned depth, bool from_user, const Reason& reason) {
  if (depth > k_max_depth || m_u.error()) {
    return false;
  }
  KeyInfo& k = m_u.info(key);
  if (k.state.candidate == nullptr) {
    return false;
  }
  // A dpkg hold keeps the installed version unless the user asks.
  if (!from_user && k.current != nullptr && k.current->status.starts_with("hold") &&
      k.state.candidate != k.current) {
    return false;
  }
  if (!k.state.protect && !inst_broken(key)) {
    if (k.state.candidate == k.current) {
      k.state.marked = false;
      return true;
    }
    if (k.state.marked) {
      return true;
    }
  }
  if (!is_install_ok(key, auto_inst)) {
    return false;
  }
  if (from_user) {
    state_change(key, reason);
  }
  const bool fail_early = !k.state.protect && !from_user;
  bool has_failed = false;
  std::vector<DepGroup> to_install;
  std::vector<DepGroup> to_remove;
  std::vector<Key> to_upgrade;
  const Package* cand = k.state.candidate;
  if (auto_inst) {
    std::string_view arch = m_u.dep_arch(*cand);
    for (const DepGroup& group : m_u.deps(cand)) {
      if (group_holds(group, arch, key, StateOf::install) && !k.state.protect) {
        continue;
      }
      if (!important(group.type)) {
        continue;
      }
      (is_negative(group.type) ? to_remove : to_install).push_back(group);
    }
    if (!remove_conflicts(key, to_remove, to_upgrade, k.state.protect, from_user)) {
      if (fail_early) {
        return false;
      }
      has_failed = true;
    }
    collect_reverse_depends(key, to_upgrade);
  }
  if (!from_user) {
    state_change(key, reason);
  }
  if (!auto_inst) {
    return !has_failed;
  }
  upgrade_same_source(key, depth);
  // While its dependencies are marked the package counts as protected, so
  // that nothing they pull in can unmark it; `propagate` is whether it was
  // protected before.
  const bool propagate = k.state.protect;
  k.state.protect = true;
  auto restore = [&] {
    if (!propagate) {
      m_u.state(key).protect = false;
    }
  };
  Reason upgrade_reason = reason;
  if (!upgrade_or_remove(to_upgrade, depth, propagate, from_user, upgrade_reason)) {
    if (fail_early) {
      restore();
      discard_install(key);
      return false;
    }
    has_failed = true;
  }
  if (!install_dependencies(key, depth, to_install, propagate, from_user)) {
    if (fail_early) {
      restore();
      discard_install(key);
      return false;
    }
    has_failed = true;
  }
  restore();
  return !has_failed;
}

} // namespace distill::planner::debian
