// BuildKit's UndefinedVar (dockerfile-language.md section 11): a variable in
// an instruction BuildKit expands itself (ENV, ARG defaults, LABEL, COPY/ADD,
// EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL, RUN --mount options) that is
// neither a declared ARG of the stage nor in its environment. RUN, CMD and
// ENTRYPOINT text is the shell's business and is not checked.
//
// The environment is the one the frontend's analysis tracks (ENV of the
// stage and of its base stages, PATH). BuildKit also knows the base image's
// own ENV from its config, which a linter does not: for scratch and plain
// distribution images (whose only ENV is PATH) every miss is reported; for
// other images (python, golang, ... set variables of their own) only a
// probable typo is: a name within BuildKit's "did you mean" distance of an
// ARG or ENV the Dockerfile itself declares.

#include "frontend/shell_lexer.hpp"
#include "frontend/suggest.hpp"
#include "planner/lint/context.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace distill::planner::lint {
namespace {

using namespace frontend;

// Images whose config sets no ENV but PATH (so a miss is a miss).
constexpr std::array<std::string_view, 16> k_plain_images = {
    "debian",    "ubuntu",      "alpine",      "busybox",      "fedora",          "centos",
    "rockylinux", "almalinux",  "amazonlinux", "oraclelinux",  "archlinux",       "opensuse/leap",
    "opensuse/tumbleweed", "photon", "mageia", "clearlinux"};

// BuildKit keeps these frontend options out of the environment (nonEnvArgs).
constexpr std::array<std::string_view, 2> k_non_env_args = {"BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"};

// The repository of an image reference without tag, digest or "library/";
// empty when it names a registry host (its images are not known here).
std::string repository_of(std::string_view reference) {
  reference = reference.substr(0, reference.find('@'));
  const std::size_t slash = reference.rfind('/');
  const std::size_t colon = reference.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    reference = reference.substr(0, colon);
  }
  const std::size_t first = reference.find('/');
  if (first != std::string_view::npos) {
    const std::string_view host = reference.substr(0, first);
    if (host.find('.') != std::string_view::npos || host.find(':') != std::string_view::npos || host == "localhost") {
      return {};
    }
  }
  if (reference.starts_with("library/")) reference.remove_prefix(8);
  return std::string(reference);
}

// True when the ENV the stage starts with is fully known: its chain of base
// stages ends in scratch or a plain distribution image.
bool environment_known(const Build& build, const Stage& stage) {
  const Stage* current = &stage;
  for (std::size_t hops = 0; current->base_kind == BaseKind::stage && hops < build.stages.size(); ++hops) {
    if (current->base_stage < 0 || current->base_stage >= static_cast<int>(build.stages.size())) return false;
    current = &build.stages[static_cast<std::size_t>(current->base_stage)];
  }
  if (current->base_kind == BaseKind::scratch) return true;
  if (current->base_kind != BaseKind::image) return false;
  const std::string repository = repository_of(current->base_name);
  return std::ranges::find(k_plain_images, repository) != k_plain_images.end();
}

// The variables one instruction sees: ARGs with a value, then ENV.
ShellEnv variables_of(const EnvList& env, const std::vector<ArgValue>& args) {
  ShellEnv out;
  for (const ArgValue& arg : args) {
    if (arg.value && std::ranges::find(k_non_env_args, arg.name) == k_non_env_args.end()) out[arg.name] = *arg.value;
  }
  for (const auto& [key, value] : env) out[key] = value;
  return out;
}

// Names that `raw` only uses with a fallback, `${X:-d}`, `${X-d}`, `${X:+a}`
// or `${X+a}` (and as `$X` inside the `a` of its own `${X:+a}`): the writer
// expects them to be unset at times, so they are not reported (BuildKit's
// lexer would).
std::set<std::string> guarded_names(std::string_view raw) {
  std::set<std::string> guarded;
  std::set<std::string> plain;
  std::vector<std::pair<std::string, std::size_t>> inside; // ${X:+...}: X and where the alternative ends
  for (std::size_t i = 0; i + 1 < raw.size(); ++i) {
    if (raw[i] != '$') continue;
    const bool braced = raw[i + 1] == '{';
    std::size_t end = i + (braced ? 2 : 1);
    const std::size_t begin = end;
    while (end < raw.size() && (std::isalnum(static_cast<unsigned char>(raw[end])) != 0 || raw[end] == '_')) ++end;
    if (end == begin) continue;
    std::string name(raw.substr(begin, end - begin));
    std::size_t modifier = end;
    if (modifier < raw.size() && raw[modifier] == ':') ++modifier;
    const bool fallback = braced && modifier < raw.size() && (raw[modifier] == '-' || raw[modifier] == '+');
    if (fallback && raw[modifier] == '+') {
      std::size_t close = modifier;
      for (int depth = 1; close + 1 < raw.size() && depth > 0;) {
        ++close;
        if (raw[close] == '{') ++depth;
        if (raw[close] == '}') --depth;
      }
      inside.emplace_back(name, close);
    }
    const bool nested_in_own = std::ranges::any_of(inside, [&](const auto& scope) { return scope.first == name && i < scope.second; });
    (fallback || nested_in_own ? guarded : plain).insert(std::move(name));
  }
  for (const std::string& name : plain) guarded.erase(name);
  return guarded;
}

struct Scope {
  ShellEnv env;                     // what expansion sees
  std::set<std::string> declared;   // ARGs of the stage, with or without a value
};

class UndefinedVarCheck {
public:
  UndefinedVarCheck(const LintContext& context, bool known) : m_context(context), m_known(known) {}

  // Reports the names `raw` looks up and `scope` does not have.
  void check(const std::string& raw, const SourceRange& where, const Scope& scope) const {
    if (raw.find('$') == std::string::npos) return;
    LexerOptions options;
    options.escape = m_context.build.escape;
    const auto lexed = process_word(raw, scope.env, options);
    if (!lexed) return; // the frontend reports the syntax error
    const std::set<std::string> guarded = guarded_names(raw);
    for (const std::string& name : lexed->unmatched) {
      if (scope.declared.contains(name) || guarded.contains(name)) continue;
      if (std::ranges::find(k_non_env_args, name) != k_non_env_args.end()) continue;
      std::vector<std::string_view> names;
      for (const auto& entry : scope.env) {
        // PATH is assumed, not declared: a miss close to it is no proof of a typo in an unknown image.
        if (m_known || entry.first != "PATH") names.push_back(entry.first);
      }
      const std::string match = suggest(name, names, true);
      if (!m_known && match.empty()) continue;
      std::string message = fmt::format("Usage of undefined variable '${}'", name);
      if (!match.empty()) message += fmt::format(" (did you mean ${}?)", match);
      m_context.report("UndefinedVar", where, std::move(message));
    }
  }

  void check(const Word& word, const Scope& scope) const { check(word.raw, word.where, scope); }
  void check(const StringFlag& flag, const Scope& scope) const {
    if (flag) check(*flag, scope);
  }
  void check(const std::vector<Word>& words, const Scope& scope) const {
    for (const Word& word : words) check(word, scope);
  }

  // The words of `command` BuildKit expands; ARG is checked name by name.
  void check(const Command& command, Scope scope) const {
    std::visit(
        [&](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, EnvCommand> || std::is_same_v<T, LabelCommand>) {
            const auto& pairs = [&]() -> const std::vector<KeyValue>& {
              if constexpr (std::is_same_v<T, EnvCommand>) return c.env;
              else return c.labels;
            }();
            for (const KeyValue& pair : pairs) {
              check(pair.key, scope);
              check(pair.value, scope);
            }
          } else if constexpr (std::is_same_v<T, AddCommand> || std::is_same_v<T, CopyCommand>) {
            check(c.files.sources, scope);
            check(c.files.dest, scope);
            check(c.chown, scope);
            check(c.chmod, scope);
            if constexpr (std::is_same_v<T, AddCommand>) check(c.checksum, scope);
          } else if constexpr (std::is_same_v<T, ExposeCommand>) {
            check(c.ports, scope);
          } else if constexpr (std::is_same_v<T, VolumeCommand>) {
            check(c.volumes, scope);
          } else if constexpr (std::is_same_v<T, UserCommand>) {
            check(c.user, scope);
          } else if constexpr (std::is_same_v<T, WorkdirCommand>) {
            check(c.path, scope);
          } else if constexpr (std::is_same_v<T, StopsignalCommand>) {
            check(c.signal, scope);
          } else if constexpr (std::is_same_v<T, RunCommand>) {
            for (const RunMount& mount : c.mounts) check(mount.raw, mount.where, scope);
          } else if constexpr (std::is_same_v<T, ArgCommand>) {
            // Each name is declared before the next default is expanded.
            for (const ArgDecl& decl : c.args) {
              check(decl.name, scope);
              if (decl.default_value) {
                check(*decl.default_value, scope);
                scope.env[decl.name.value] = decl.default_value->value;
              }
              scope.declared.insert(decl.name.value);
            }
          }
        },
        command);
  }

private:
  const LintContext& m_context;
  bool m_known;
};

void check_stage(const LintContext& context, const Stage& stage) {
  const UndefinedVarCheck check(context, environment_known(context.build, stage));
  // The state before the first step: the base stage's at its end, else PATH only.
  const EnvList* env = nullptr;
  const std::vector<ArgValue>* args = nullptr;
  // Only whether PATH is set matters here (for ${PATH:+...}); the frontend sets BuildKit's default path.
  const EnvList default_env = {{"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}};
  const std::vector<ArgValue> no_args;
  if (stage.base_kind == BaseKind::stage && stage.base_stage >= 0 &&
      stage.base_stage < static_cast<int>(context.build.stages.size())) {
    const Stage& base = context.build.stages[static_cast<std::size_t>(stage.base_stage)];
    env = &base.env;
    args = &base.args;
  } else {
    env = &default_env;
    args = &no_args;
  }
  for (const Step& step : stage.steps) {
    // ONBUILD triggers come from the base stage's text; BuildKit checks them there.
    if (!step.onbuild_trigger) {
      Scope scope{variables_of(*env, *args), {}};
      for (const ArgValue& arg : *args) scope.declared.insert(arg.name);
      check.check(step.command, std::move(scope));
    }
    env = &step.env;
    args = &step.args;
  }
}

} // namespace

void check_undefined_vars(const LintContext& context) {
  for (const Stage& stage : context.build.stages) check_stage(context, stage);
}

} // namespace distill::planner::lint
