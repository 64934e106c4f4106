// Reading distill.lock: strict validation with the JSON path in every
// error (writing is in lockfile.cpp).

#include "planner/debian/lockfile.hpp"

#include "planner/debian/version.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace distill::planner::debian {
namespace {

using Json = nlohmann::ordered_json;

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_digest(std::string_view s) { return s.starts_with("sha256:") && is_hex64(s.substr(7)); }

// ---- reading ---------------------------------------------------------------

// Reads the members of one JSON object, remembering which were used so that
// unknown keys are reported; every error carries the object's path.
class Object {
public:
  Object(const Json& json, std::string path, std::string_view file) : m_json(json), m_path(std::move(path)), m_file(file) {}

  support::Error error(std::string_view what) const {
    return support::Error{fmt::format("{}: {}: {}", m_file, m_path.empty() ? "(top level)" : m_path, what),
                          std::nullopt};
  }

  support::Result<const Json*> member(const char* key, bool required) {
    m_used.insert(key);
    auto it = m_json.find(key);
    if (it == m_json.end()) {
      if (required) {
        return std::unexpected(error(fmt::format("missing \"{}\"", key)));
      }
      return nullptr;
    }
    return &*it;
  }

  support::Result<std::string> string(const char* key, bool required = true) {
    auto m = member(key, required);
    if (!m) {
      return std::unexpected(m.error());
    }
    if (*m == nullptr) {
      return std::string();
    }
    if (!(*m)->is_string()) {
      return std::unexpected(error(fmt::format("\"{}\" must be a string", key)));
    }
    return (*m)->get<std::string>();
  }

  support::Result<std::string> nonempty(const char* key) {
    auto s = string(key);
    if (s && s->empty()) {
      return std::unexpected(error(fmt::format("\"{}\" must not be empty", key)));
    }
    return s;
  }

  support::Result<std::string> hex64(const char* key) {
    auto s = string(key);
    if (s && !is_hex64(*s)) {
      return std::unexpected(error(fmt::format("\"{}\" must be 64 lower-case hex digits", key)));
    }
    return s;
  }

  support::Result<std::uint64_t> unsigned_number(const char* key) {
    auto m = member(key, true);
    if (!m) {
      return std::unexpected(m.error());
    }
    if (!(*m)->is_number_unsigned()) {
      return std::unexpected(error(fmt::format("\"{}\" must be a non-negative integer", key)));
    }
    return (*m)->get<std::uint64_t>();
  }

  support::Result<bool> boolean(const char* key) {
    auto m = member(key, true);
    if (!m) {
      return std::unexpected(m.error());
    }
    if (!(*m)->is_boolean()) {
      return std::unexpected(error(fmt::format("\"{}\" must be true or false", key)));
    }
    return (*m)->get<bool>();
  }

  support::Result<const Json*> array(const char* key) {
    auto m = member(key, true);
    if (!m) {
      return std::unexpected(m.error());
    }
    if (!(*m)->is_array()) {
      return std::unexpected(error(fmt::format("\"{}\" must be an array", key)));
    }
    return *m;
  }

  support::Result<void> finish() const {
    for (const auto& [key, value] : m_json.items()) {
      if (!m_used.contains(key)) {
        return std::unexpected(error(fmt::format("unknown key \"{}\"", key)));
      }
    }
    return {};
  }

  std::string child(std::string_view key, std::size_t i) const {
    return fmt::format("{}{}{}[{}]", m_path, m_path.empty() ? "" : ".", key, i);
  }
  std::string child(std::string_view key) const { return fmt::format("{}{}{}", m_path, m_path.empty() ? "" : ".", key); }
  std::string_view file() const { return m_file; }

private:
  const Json& m_json;
  std::string m_path;
  std::string_view m_file;
  std::set<std::string> m_used;
};

// Unwraps a Result into `out` or returns its error from the enclosing function.
#define DISTILL_LOCK_TRY(out, expr)                                                                                     \
  do {                                                                                                                 \
    auto distill_r = (expr);                                                                                           \
    if (!distill_r) {                                                                                                  \
      return std::unexpected(distill_r.error());                                                                       \
    }                                                                                                                  \
    out = std::move(*distill_r);                                                                                       \
  } while (false)

support::Result<Object> object_at(const Json& json, std::string path, std::string_view file) {
  Object o(json, std::move(path), file);
  if (!json.is_object()) {
    return std::unexpected(o.error("must be an object"));
  }
  return o;
}

support::Result<LockedPackage> read_package(const Json& json, std::string path, std::string_view file) {
  Object o(json, path, file);
  if (!json.is_object()) {
    return std::unexpected(o.error("must be an object"));
  }
  LockedPackage p;
  DISTILL_LOCK_TRY(p.name, o.nonempty("name"));
  DISTILL_LOCK_TRY(p.version, o.nonempty("version"));
  if (auto v = parse_version(p.version); !v) {
    return std::unexpected(o.error(v.error().message));
  }
  DISTILL_LOCK_TRY(p.architecture, o.nonempty("architecture"));
  DISTILL_LOCK_TRY(p.suite, o.string("suite"));
  DISTILL_LOCK_TRY(p.filename, o.nonempty("filename"));
  DISTILL_LOCK_TRY(p.size, o.unsigned_number("size"));
  DISTILL_LOCK_TRY(p.sha256, o.hex64("sha256"));
  DISTILL_LOCK_TRY(p.source, o.nonempty("source"));
  DISTILL_LOCK_TRY(p.source_version, o.nonempty("sourceVersion"));
  std::string reason;
  DISTILL_LOCK_TRY(reason, o.string("reason"));
  if (reason == "requested") {
    p.reason = LockReason::requested;
  } else if (reason == "dependency") {
    p.reason = LockReason::dependency;
    DISTILL_LOCK_TRY(p.parent, o.nonempty("parent"));
    DISTILL_LOCK_TRY(p.relation, o.nonempty("relation"));
  } else if (reason == "rule") {
    p.reason = LockReason::rule;
    DISTILL_LOCK_TRY(p.relation, o.nonempty("rule"));
  } else {
    return std::unexpected(o.error(fmt::format("\"reason\" must be \"requested\", \"dependency\" or \"rule\", not \"{}\"", reason)));
  }
  if (auto done = o.finish(); !done) {
    return std::unexpected(done.error());
  }
  return p;
}

support::Result<std::vector<LockedPackage>> read_packages(Object& parent, const char* key) {
  const Json* list = nullptr;
  DISTILL_LOCK_TRY(list, parent.array(key));
  std::vector<LockedPackage> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    LockedPackage p;
    DISTILL_LOCK_TRY(p, read_package((*list)[i], parent.child(key, i), parent.file()));
    out.push_back(std::move(p));
  }
  return out;
}

support::Result<LockedIndex> read_index(const Json& json, std::string path, std::string_view file) {
  Object o(json, path, file);
  if (!json.is_object()) {
    return std::unexpected(o.error("must be an object"));
  }
  LockedIndex i;
  DISTILL_LOCK_TRY(i.archive, o.nonempty("archive"));
  DISTILL_LOCK_TRY(i.suite, o.nonempty("suite"));
  DISTILL_LOCK_TRY(i.component, o.nonempty("component"));
  DISTILL_LOCK_TRY(i.architecture, o.nonempty("architecture"));
  DISTILL_LOCK_TRY(i.path, o.nonempty("path"));
  DISTILL_LOCK_TRY(i.sha256, o.hex64("sha256"));
  if (auto done = o.finish(); !done) {
    return std::unexpected(done.error());
  }
  return i;
}

support::Result<LockedBase> read_base(const Json& json, std::string path, std::string_view file) {
  Object o(json, path, file);
  if (!json.is_object()) {
    return std::unexpected(o.error("must be an object"));
  }
  LockedBase b;
  std::string kind;
  DISTILL_LOCK_TRY(kind, o.string("kind"));
  DISTILL_LOCK_TRY(b.platform, o.string("platform", false));
  if (kind == "scratch") {
    b.kind = BaseKind::scratch;
  } else if (kind == "distro") {
    b.kind = BaseKind::distro;
    DISTILL_LOCK_TRY(b.distro, o.nonempty("distro"));
    DISTILL_LOCK_TRY(b.suite, o.nonempty("suite"));
    DISTILL_LOCK_TRY(b.snapshot, o.string("snapshot", false));
    const Json* indexes = nullptr;
    DISTILL_LOCK_TRY(indexes, o.array("indexes"));
    for (std::size_t i = 0; i < indexes->size(); ++i) {
      LockedIndex index;
      DISTILL_LOCK_TRY(index, read_index((*indexes)[i], o.child("indexes", i), file));
      b.indexes.push_back(std::move(index));
    }
    DISTILL_LOCK_TRY(b.packages, read_packages(o, "packages"));
  } else if (kind == "image" || kind == "layout") {
    b.kind = kind == "image" ? BaseKind::image : BaseKind::layout;
    DISTILL_LOCK_TRY(b.reference, o.nonempty("reference"));
    DISTILL_LOCK_TRY(b.digest, o.string("digest"));
    if (!is_digest(b.digest)) {
      return std::unexpected(o.error("\"digest\" must be \"sha256:\" and 64 lower-case hex digits"));
    }
    if (b.kind == BaseKind::image && json.contains("suite")) {
      DISTILL_LOCK_TRY(b.distro, o.nonempty("distro"));
      DISTILL_LOCK_TRY(b.suite, o.nonempty("suite"));
      const Json* indexes = nullptr;
      DISTILL_LOCK_TRY(indexes, o.array("indexes"));
      for (std::size_t i = 0; i < indexes->size(); ++i) {
        LockedIndex index;
        DISTILL_LOCK_TRY(index, read_index((*indexes)[i], o.child("indexes", i), file));
        b.indexes.push_back(std::move(index));
      }
    }
  } else if (kind == "stage") {
    b.kind = BaseKind::stage;
    DISTILL_LOCK_TRY(b.stage, o.nonempty("stage"));
  } else {
    return std::unexpected(
        o.error(fmt::format("\"kind\" must be scratch, distro, image, stage or layout, not \"{}\"", kind)));
  }
  if (auto done = o.finish(); !done) {
    return std::unexpected(done.error());
  }
  return b;
}

support::Result<LockedInstall> read_install(const Json& json, std::string path, std::string_view file) {
  Object o(json, path, file);
  if (!json.is_object()) {
    return std::unexpected(o.error("must be an object"));
  }
  LockedInstall install;
  const Json* requests = nullptr;
  DISTILL_LOCK_TRY(requests, o.array("requests"));
  for (const Json& r : *requests) {
    if (!r.is_string() || r.get<std::string>().empty()) {
      return std::unexpected(o.error("\"requests\" must hold non-empty strings"));
    }
    install.requests.push_back(r.get<std::string>());
  }
  DISTILL_LOCK_TRY(install.recommends, o.boolean("recommends"));
  DISTILL_LOCK_TRY(install.packages, read_packages(o, "packages"));
  if (auto done = o.finish(); !done) {
    return std::unexpected(done.error());
  }
  return install;
}

support::Result<LockedStage> read_stage(const Json& json, std::string path, std::string_view file) {
  Object o(json, path, file);
  if (!json.is_object()) {
    return std::unexpected(o.error("must be an object"));
  }
  LockedStage stage;
  DISTILL_LOCK_TRY(stage.name, o.string("name"));
  std::uint64_t index = 0;
  DISTILL_LOCK_TRY(index, o.unsigned_number("index"));
  stage.index = static_cast<int>(index);
  const Json* base = nullptr;
  DISTILL_LOCK_TRY(base, o.member("base", true));
  DISTILL_LOCK_TRY(stage.base, read_base(*base, o.child("base"), file));
  const Json* installs = nullptr;
  DISTILL_LOCK_TRY(installs, o.array("installs"));
  for (std::size_t i = 0; i < installs->size(); ++i) {
    LockedInstall install;
    DISTILL_LOCK_TRY(install, read_install((*installs)[i], o.child("installs", i), file));
    stage.installs.push_back(std::move(install));
  }
  if (auto done = o.finish(); !done) {
    return std::unexpected(done.error());
  }
  return stage;
}

} // namespace

support::Result<Lockfile> parse_lockfile(std::string_view text, std::string_view name) {
  Json json;
  try {
    json = Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::parse_error& e) {
    // Point at the line and column of the byte nlohmann stopped at.
    std::size_t byte = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + byte, '\n'));
    std::size_t line_start = text.rfind('\n', byte == 0 ? 0 : byte - 1);
    std::size_t column = byte - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
    return support::fail("{}:{}:{}: not valid JSON ({})", name, line, column, e.what());
  }
  Lockfile lock;
  auto top = object_at(json, "", name);
  if (!top) {
    return std::unexpected(top.error());
  }
  Object& o = *top;
  std::uint64_t version = 0;
  DISTILL_LOCK_TRY(version, o.unsigned_number("lockfileVersion"));
  if (version != k_lockfile_version) {
    return support::fail("{}: unsupported lockfileVersion {} (this distill reads {}); run `distill lock --update`",
                         name, version, k_lockfile_version);
  }
  lock.version = static_cast<int>(version);
  DISTILL_LOCK_TRY(lock.inputs_hash, o.string("inputsHash"));
  if (!is_digest(lock.inputs_hash)) {
    return std::unexpected(o.error("\"inputsHash\" must be \"sha256:\" and 64 lower-case hex digits"));
  }
  const Json* stages = nullptr;
  DISTILL_LOCK_TRY(stages, o.array("stages"));
  for (std::size_t i = 0; i < stages->size(); ++i) {
    LockedStage stage;
    DISTILL_LOCK_TRY(stage, read_stage((*stages)[i], o.child("stages", i), name));
    lock.stages.push_back(std::move(stage));
  }
  if (auto done = o.finish(); !done) {
    return std::unexpected(done.error());
  }
  return lock;
}

} // namespace distill::planner::debian
