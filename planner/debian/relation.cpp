#include "planner/debian/relation.hpp"

#include "planner/debian/version.hpp"

#include <fmt/format.h>

namespace distill::planner::debian {
namespace {

constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

constexpr bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '-' || c == '.' || c == '_';
}

// A cursor over one field's text; errors quote the whole field.
class Cursor {
public:
  explicit Cursor(std::string_view text) : m_text(text) {}

  void skip_space() {
    while (m_pos < m_text.size() && is_space(m_text[m_pos])) {
      ++m_pos;
    }
  }
  bool done() const { return m_pos >= m_text.size(); }
  char peek() const { return done() ? '\0' : m_text[m_pos]; }
  bool accept(char c) {
    if (peek() == c) {
      ++m_pos;
      return true;
    }
    return false;
  }
  // The longest run of characters for which `ok` holds (may be empty).
  template <typename Pred>
  std::string_view take_while(Pred ok) {
    std::size_t start = m_pos;
    while (m_pos < m_text.size() && ok(m_text[m_pos])) {
      ++m_pos;
    }
    return m_text.substr(start, m_pos - start);
  }
  std::unexpected<support::Error> error(std::string_view what) const {
    std::string_view at = done() ? std::string_view("end of text") : m_text.substr(m_pos, 20);
    return support::fail("in '{}': {} (at {})", m_text, what, done() ? at : fmt::format("'{}'", at));
  }

private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

support::Result<RelationOp> parse_op(Cursor& cur) {
  if (cur.accept('<')) {
    if (cur.accept('<')) {
      return RelationOp::lt;
    }
    cur.accept('='); // "<" alone is the obsolete spelling of "<="
    return RelationOp::le;
  }
  if (cur.accept('>')) {
    if (cur.accept('>')) {
      return RelationOp::gt;
    }
    cur.accept('=');
    return RelationOp::ge;
  }
  if (cur.accept('=')) {
    return RelationOp::eq;
  }
  return cur.error("expected a relation operator (<<, <=, =, >=, >>)");
}

support::Result<void> parse_version_part(Cursor& cur, Relation& rel) {
  cur.skip_space();
  auto op = parse_op(cur);
  if (!op) {
    return std::unexpected(op.error());
  }
  rel.op = *op;
  cur.skip_space();
  rel.version = cur.take_while([](char c) { return !is_space(c) && c != ')' && c != ',' && c != '|'; });
  if (rel.version.empty()) {
    return cur.error("expected a version after the operator");
  }
  cur.skip_space();
  if (!cur.accept(')')) {
    return cur.error("expected ')' after the version");
  }
  return {};
}

support::Result<void> parse_arches(Cursor& cur, Relation& rel) {
  while (true) {
    cur.skip_space();
    if (cur.accept(']')) {
      break;
    }
    ArchTerm term;
    term.negated = cur.accept('!');
    term.arch = cur.take_while(is_name_char);
    if (term.arch.empty()) {
      return cur.error("expected an architecture or ']'");
    }
    rel.arches.push_back(term);
  }
  if (rel.arches.empty()) {
    return cur.error("empty architecture list");
  }
  return {};
}

support::Result<void> parse_profiles(Cursor& cur, Relation& rel) {
  std::vector<ProfileTerm> group;
  while (true) {
    cur.skip_space();
    if (cur.accept('>')) {
      break;
    }
    ProfileTerm term;
    term.negated = cur.accept('!');
    term.profile = cur.take_while(is_name_char);
    if (term.profile.empty()) {
      return cur.error("expected a build profile or '>'");
    }
    group.push_back(term);
  }
  if (group.empty()) {
    return cur.error("empty build profile group");
  }
  rel.profiles.push_back(std::move(group));
  return {};
}

support::Result<Relation> parse_relation(Cursor& cur) {
  Relation rel;
  cur.skip_space();
  rel.name = cur.take_while(is_name_char);
  if (rel.name.empty()) {
    return cur.error("expected a package name");
  }
  if (cur.accept(':')) {
    rel.arch_qualifier = cur.take_while(is_name_char);
    if (rel.arch_qualifier.empty()) {
      return cur.error("expected an architecture after ':'");
    }
  }
  cur.skip_space();
  if (cur.accept('(')) {
    if (auto r = parse_version_part(cur, rel); !r) {
      return std::unexpected(r.error());
    }
    cur.skip_space();
  }
  if (cur.accept('[')) {
    if (auto r = parse_arches(cur, rel); !r) {
      return std::unexpected(r.error());
    }
    cur.skip_space();
  }
  while (cur.accept('<')) {
    if (auto r = parse_profiles(cur, rel); !r) {
      return std::unexpected(r.error());
    }
    cur.skip_space();
  }
  return rel;
}

// dpkg's (os, cpu) for a Debian architecture name, enough for wildcards.
std::pair<std::string_view, std::string_view> arch_tuple(std::string_view arch) {
  std::size_t dash = arch.find('-');
  if (dash != std::string_view::npos) {
    return {arch.substr(0, dash), arch.substr(dash + 1)};
  }
  if (arch == "armhf" || arch == "armel") {
    return {"linux", "arm"};
  }
  if (arch == "x32") {
    return {"linux", "amd64"};
  }
  return {"linux", arch};
}

bool arch_matches(std::string_view pattern, std::string_view arch) {
  if (pattern == "any" || pattern == arch) {
    return true;
  }
  std::size_t dash = pattern.find('-');
  if (dash == std::string_view::npos) {
    return false;
  }
  auto [os, cpu] = arch_tuple(arch);
  std::string_view p_os = pattern.substr(0, dash);
  std::string_view p_cpu = pattern.substr(dash + 1);
  return (p_os == "any" || p_os == os) && (p_cpu == "any" || p_cpu == cpu);
}

} // namespace

std::string_view to_string(RelationOp op) {
  switch (op) {
  case RelationOp::none:
    return "";
  case RelationOp::lt:
    return "<<";
  case RelationOp::le:
    return "<=";
  case RelationOp::eq:
    return "=";
  case RelationOp::ge:
    return ">=";
  case RelationOp::gt:
    return ">>";
  }
  return "";
}

support::Result<RelationList> parse_relations(std::string_view text) {
  RelationList out;
  Cursor cur(text);
  cur.skip_space();
  while (!cur.done()) {
    Alternatives alternatives;
    while (true) {
      auto rel = parse_relation(cur);
      if (!rel) {
        return std::unexpected(rel.error());
      }
      alternatives.push_back(std::move(*rel));
      cur.skip_space();
      if (!cur.accept('|')) {
        break;
      }
    }
    out.push_back(std::move(alternatives));
    cur.skip_space();
    if (cur.done()) {
      break;
    }
    if (!cur.accept(',')) {
      return cur.error("expected ',' or '|' between relations");
    }
    cur.skip_space(); // a trailing comma ends the list
  }
  return out;
}

bool version_satisfies(std::string_view version, RelationOp op, std::string_view target) {
  if (op == RelationOp::none) {
    return true;
  }
  int c = compare_versions(version, target);
  switch (op) {
  case RelationOp::lt:
    return c < 0;
  case RelationOp::le:
    return c <= 0;
  case RelationOp::eq:
    return c == 0;
  case RelationOp::ge:
    return c >= 0;
  case RelationOp::gt:
    return c > 0;
  case RelationOp::none:
    break;
  }
  return true;
}

bool applies_to_arch(const Relation& relation, std::string_view arch) {
  if (relation.arches.empty()) {
    return true;
  }
  bool any_positive = false;
  bool positive_match = false;
  for (const ArchTerm& term : relation.arches) {
    bool match = arch_matches(term.arch, arch);
    if (term.negated && match) {
      return false;
    }
    if (!term.negated) {
      any_positive = true;
      positive_match = positive_match || match;
    }
  }
  return !any_positive || positive_match;
}

bool applies_to_profiles(const Relation& relation, const std::set<std::string, std::less<>>& active) {
  if (relation.profiles.empty()) {
    return true;
  }
  for (const auto& group : relation.profiles) {
    bool all = true;
    for (const ProfileTerm& term : group) {
      bool on = active.contains(term.profile);
      if (on == term.negated) {
        all = false;
        break;
      }
    }
    if (all) {
      return true;
    }
  }
  return false;
}

RelationList reduce_relations(const RelationList& relations, std::string_view arch,
                              const std::set<std::string, std::less<>>& active_profiles) {
  RelationList out;
  for (const Alternatives& alternatives : relations) {
    Alternatives kept;
    for (const Relation& rel : alternatives) {
      if (applies_to_arch(rel, arch) && applies_to_profiles(rel, active_profiles)) {
        Relation plain = rel;
        plain.arches.clear();
        plain.profiles.clear();
        kept.push_back(std::move(plain));
      }
    }
    if (!kept.empty()) {
      out.push_back(std::move(kept));
    }
  }
  return out;
}

std::string to_string(const Relation& relation) {
  std::string out(relation.name);
  if (!relation.arch_qualifier.empty()) {
    out += fmt::format(":{}", relation.arch_qualifier);
  }
  if (relation.op != RelationOp::none) {
    out += fmt::format(" ({} {})", to_string(relation.op), relation.version);
  }
  if (!relation.arches.empty()) {
    out += " [";
    for (std::size_t i = 0; i < relation.arches.size(); ++i) {
      out += fmt::format("{}{}{}", i ? " " : "", relation.arches[i].negated ? "!" : "", relation.arches[i].arch);
    }
    out += "]";
  }
  for (const auto& group : relation.profiles) {
    out += " <";
    for (std::size_t i = 0; i < group.size(); ++i) {
      out += fmt::format("{}{}{}", i ? " " : "", group[i].negated ? "!" : "", group[i].profile);
    }
    out += ">";
  }
  return out;
}

std::string to_string(const Alternatives& alternatives) {
  std::string out;
  for (std::size_t i = 0; i < alternatives.size(); ++i) {
    out += (i ? " | " : "") + to_string(alternatives[i]);
  }
  return out;
}

std::string to_string(const RelationList& relations) {
  std::string out;
  for (std::size_t i = 0; i < relations.size(); ++i) {
    out += (i ? ", " : "") + to_string(relations[i]);
  }
  return out;
}

} // namespace distill::planner::debian
