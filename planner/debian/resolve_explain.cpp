#include "planner/debian/resolve_explain.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace distill::planner::debian {
namespace {

constexpr unsigned k_max_explain_depth = 4;

std::string indent(unsigned depth) { return std::string(2 + depth * 4, ' '); }

class Explainer {
public:
  explicit Explainer(Engine& engine) : m_engine(engine), m_u(engine.universe()) {}

  void broken_package(Key key) {
    const Package* v = m_u.install_version(key);
    std::string_view arch = m_u.dep_arch(*v);
    for (const DepGroup& group : m_u.deps(v)) {
      if (!is_critical(group.type) || m_engine.group_holds(group, arch, key, StateOf::install)) {
        continue;
      }
      m_out += fmt::format("{}{} {} : {}: {} {}\n", indent(0), v->name, v->version, to_string(group.type),
                           to_string(*group.alternatives), why_unmet(group, arch, key));
      if (!is_negative(group.type)) {
        rejected_candidates(group, arch, 1);
      }
    }
  }

  std::string take() { return std::move(m_out); }

private:
  // apt's short reason after a dependency in "unmet dependencies".
  std::string why_unmet(const DepGroup& group, std::string_view arch, Key self) {
    if (is_negative(group.type)) {
      for (const Relation& rel : *group.alternatives) {
        for (Key key : m_u.keys_named(rel.name)) {
          const Package* v = m_u.install_version(key);
          if (key != self && v != nullptr && m_u.satisfies(rel, arch, key, v)) {
            return fmt::format("but {} {} is to be installed", m_u.info(key).name, v->version);
          }
        }
        for (const ProviderEntry& entry : m_u.providers(rel.name)) {
          if (entry.key != self && m_u.install_version(entry.key) == entry.version) {
            return fmt::format("but {} {} (which provides {}) is to be installed", m_u.info(entry.key).name,
                               entry.version->version, rel.name);
          }
        }
      }
      return "but it is violated";
    }
    const Relation& rel = group.alternatives->front();
    const auto& keys = m_u.keys_named(rel.name);
    if (keys.empty()) {
      if (m_u.providers(rel.name).empty()) {
        return group.alternatives->size() == 1 ? "but it is not installable (no package has that name)"
                                               : "but none of the alternatives is installable";
      }
      return "but no provider of this virtual package is installable";
    }
    for (Key key : keys) {
      if (const Package* v = m_u.install_version(key); v != nullptr) {
        return fmt::format("but {} is to be installed", v->version);
      }
    }
    return "but it is not going to be installed";
  }

  // Each version that could have satisfied the group, and why it did not.
  void rejected_candidates(const DepGroup& group, std::string_view arch, unsigned depth) {
    for (const Relation& rel : *group.alternatives) {
      const auto& keys = m_u.keys_named(rel.name);
      const auto& providers = m_u.providers(rel.name);
      if (keys.empty() && providers.empty()) {
        m_out += fmt::format("{}{}: no package has that name, and nothing provides it\n", indent(depth), rel.name);
        continue;
      }
      for (Key key : keys) {
        for (const Package* v : m_u.info(key).versions) {
          if (!m_u.satisfies(rel, arch, key, v)) {
            m_out += fmt::format("{}{} {} ({}): does not satisfy '{}'\n", indent(depth), v->name, v->version,
                                 v->architecture, to_string(rel));
          } else {
            candidate_failure(key, v, depth);
          }
        }
      }
      for (const ProviderEntry& entry : providers) {
        if (!m_u.provides(rel, arch, entry)) {
          m_out += fmt::format("{}{} {} provides {}{}: does not satisfy '{}'\n", indent(depth), entry.version->name,
                               entry.version->version, rel.name,
                               entry.provided_version.empty() ? "" : fmt::format(" (= {})", entry.provided_version),
                               to_string(rel));
        } else {
          candidate_failure(entry.key, entry.version, depth);
        }
      }
    }
  }

  // Why a version that satisfies the relation was not installed.
  void candidate_failure(Key key, const Package* v, unsigned depth) {
    std::string label = fmt::format("{}{} {} ({})", indent(depth), v->name, v->version, v->architecture);
    if (m_u.install_version(key) == v) {
      m_out += label + ": is to be installed\n";
      return;
    }
    if (m_u.info(key).policy_candidate != v) {
      m_out += label + ": not the candidate version\n";
      return;
    }
    const auto& failures = m_engine.failures();
    auto it = std::find_if(failures.rbegin(), failures.rend(), [&](const Failure& f) { return f.version == v; });
    if (it == failures.rend()) {
      m_out += label + ": not installable\n";
      return;
    }
    m_out += fmt::format("{}: not installable: {}: {}\n", label, to_string(it->group.type),
                         to_string(*it->group.alternatives));
    if (depth < k_max_explain_depth && m_seen.insert(v).second) {
      rejected_candidates(it->group, m_u.dep_arch(*v), depth + 1);
    }
  }

  Engine& m_engine;
  Universe& m_u;
  std::string m_out;
  std::set<const Package*> m_seen;
};

} // namespace

std::vector<Key> find_broken(Engine& engine) {
  Universe& u = engine.universe();
  std::vector<Key> broken;
  for (std::size_t i = 0; i < u.key_count(); ++i) {
    Key key = static_cast<Key>(i);
    const Package* v = u.install_version(key);
    if (v == nullptr) {
      continue;
    }
    std::string_view arch = u.dep_arch(*v);
    for (const DepGroup& group : u.deps(v)) {
      if (is_critical(group.type) && !engine.group_holds(group, arch, key, StateOf::install)) {
        broken.push_back(key);
        break;
      }
    }
  }
  return broken;
}

std::string explain_broken(Engine& engine, const std::vector<Key>& broken) {
  Explainer explainer(engine);
  for (Key key : broken) {
    explainer.broken_package(key);
  }
  std::string details = explainer.take();
  while (!details.empty() && details.back() == '\n') {
    details.pop_back();
  }
  return fmt::format("the requested packages cannot be installed; unmet dependencies:\n{}", details);
}

} // namespace distill::planner::debian
