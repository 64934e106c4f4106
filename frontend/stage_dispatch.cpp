#include "frontend/stage_dispatch.hpp"

#include "frontend/config_values.hpp"
#include "frontend/go_path.hpp"
#include "frontend/go_quote.hpp"
#include "frontend/run_mount.hpp"
#include "frontend/typed_support.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace distill::frontend {
namespace {

constexpr std::string_view k_unneeded_hint =
    "the target does not need this stage, so BuildKit would not report this";

// Expands words against one environment and reports failures.
class Expander {
public:
  Expander(ShellEnv env, const DispatchContext& context) : m_env(std::move(env)), m_context(context) {}

  bool word(Word& word) {
    LexerOptions options;
    options.escape = m_context.escape;
    auto result = process_word(word.raw, m_env, options);
    if (!result) return fail("expansion", word.where, result.error().message);
    word.value = std::move(result->result);
    return true;
  }

  bool word(StringFlag& flag) { return !flag || word(*flag); }

  std::optional<std::vector<std::string>> words(const Word& word) {
    LexerOptions options;
    options.escape = m_context.escape;
    auto result = process_word(word.raw, m_env, options);
    if (!result) {
      fail("expansion", word.where, result.error().message);
      return std::nullopt;
    }
    return result->words;
  }

  // A COPY/ADD heredoc body: quotes are plain text, escapes are removed.
  bool heredoc(HeredocFile& file) {
    if (!file.expand) return true;
    LexerOptions options;
    options.escape = m_context.escape;
    options.skip_process_quotes = true;
    auto result = process_word(file.content, m_env, options);
    if (!result) return fail("expansion", file.where, result.error().message);
    file.content = std::move(result->result);
    return true;
  }

  support::Result<std::string> value(std::string_view text) {
    LexerOptions options;
    options.escape = m_context.escape;
    auto result = process_word(text, m_env, options);
    if (!result) return std::unexpected(result.error());
    return result->result;
  }

  bool fail(std::string kind, const SourceRange& where, std::string message) {
    const bool warning = m_context.severity != support::Severity::error;
    m_context.sink.report(support::Diagnostic{m_context.severity, std::move(kind), where, std::move(message),
                                              warning ? std::string(k_unneeded_hint) : std::string()});
    return false;
  }

  const ShellEnv& env() const { return m_env; }

private:
  ShellEnv m_env;
  const DispatchContext& m_context;
};

bool all_words(Expander& expander, std::vector<Word>& words) {
  bool ok = true;
  for (auto& word : words) ok = expander.word(word) && ok;
  return ok;
}

void set_arg(std::vector<ArgValue>& args, ArgValue value) {
  for (auto& arg : args) {
    if (arg.name == value.name) {
      arg = std::move(value);
      return;
    }
  }
  args.push_back(std::move(value));
}

bool dispatch_arg(ArgCommand& command, StageState& state, const DispatchContext& context) {
  bool ok = true;
  for (auto& decl : command.args) {
    Expander expander(state.variables(), context);
    ok = expander.word(decl.name) && ok;
    const std::string& name = decl.name.value;
    std::optional<std::string> value;
    const auto build_arg = context.build_args.find(name);
    if (build_arg != context.build_args.end()) {
      value = build_arg->second;
    } else if (decl.default_value) {
      if (expander.word(*decl.default_value)) {
        value = decl.default_value->value;
      } else {
        ok = false;
      }
    } else {
      // Without a default, a stage ARG takes the global value.
      for (const auto& global : context.globals) {
        if (global.name == name && global.value) value = global.value;
      }
    }
    set_arg(state.args, ArgValue{name, value});
  }
  return ok;
}

bool dispatch_env(EnvCommand& command, StageState& state, const DispatchContext& context) {
  // Every reference in one ENV sees the values from before it.
  Expander expander(state.variables(), context);
  bool ok = true;
  for (auto& pair : command.env) ok = expander.word(pair.key) && expander.word(pair.value) && ok;
  if (!ok) return false;
  for (const auto& pair : command.env) set_env(state.env, pair.key.value, pair.value.value);
  return true;
}

bool dispatch_copy_files(CopySources& files, Expander& expander) {
  bool ok = all_words(expander, files.sources);
  ok = expander.word(files.dest) && ok;
  for (auto& file : files.inline_sources) ok = expander.heredoc(file) && ok;
  return ok;
}

bool dispatch_run(RunCommand& command, const StageState& state, Expander& expander) {
  bool ok = true;
  int ssh_count = 0;
  for (auto& mount : command.mounts) {
    auto parsed = parse_mount(mount.raw, [&](std::string_view text) { return expander.value(text); });
    if (!parsed) {
      ok = expander.fail("invalid-mount", mount.where, parsed.error().message);
      continue;
    }
    parsed->raw = mount.raw;
    parsed->where = mount.where;
    parsed->from_stage = mount.from_stage;
    if (parsed->type == MountType::ssh && parsed->target.empty()) {
      parsed->target = fmt::format("/run/buildkit/ssh_agent.{}", ssh_count);
    }
    if (parsed->type == MountType::ssh) ++ssh_count;
    if (!parsed->target.empty() && !go_clean_path(parsed->target).starts_with('/')) {
      parsed->target = go_clean_path("/" + state.workdir + "/" + parsed->target);
    }
    if (parsed->target == "/") {
      ok = expander.fail("invalid-mount", mount.where, fmt::format("invalid mount target {}", go_quote("/")));
      continue;
    }
    mount = std::move(*parsed);
  }
  for (const auto& device : command.devices) {
    ok = expander.fail("unsupported-flag", device.where,
                       "device feature is only supported in Dockerfile frontend 1.14.0-labs or later") &&
         ok;
  }
  return ok;
}

} // namespace

ShellEnv StageState::variables() const {
  ShellEnv out;
  for (const auto& arg : args) {
    // BuildKit keeps these frontend options out of the environment (nonEnvArgs).
    if (arg.name == "BUILDKIT_SBOM_SCAN_CONTEXT" || arg.name == "BUILDKIT_SBOM_SCAN_STAGE") continue;
    if (arg.value) out[arg.name] = *arg.value;
  }
  for (const auto& [key, value] : env) out[key] = value;
  return out;
}

void set_env(EnvList& env, const std::string& key, const std::string& value) {
  for (auto& entry : env) {
    if (entry.first == key) {
      entry.second = value;
      return;
    }
  }
  env.emplace_back(key, value);
}

bool dispatch_command(Command& command, StageState& state, const DispatchContext& context) {
  if (auto* arg = std::get_if<ArgCommand>(&command)) return dispatch_arg(*arg, state, context);
  if (auto* env = std::get_if<EnvCommand>(&command)) return dispatch_env(*env, state, context);

  Expander expander(state.variables(), context);
  return std::visit(
      [&](auto& c) -> bool {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, LabelCommand>) {
          bool ok = true;
          for (auto& pair : c.labels) ok = expander.word(pair.key) && expander.word(pair.value) && ok;
          return ok;
        } else if constexpr (std::is_same_v<T, AddCommand>) {
          bool ok = dispatch_copy_files(c.files, expander);
          ok = expander.word(c.chown) && ok;
          ok = expander.word(c.chmod) && ok;
          return expander.word(c.checksum) && ok;
        } else if constexpr (std::is_same_v<T, CopyCommand>) {
          bool ok = dispatch_copy_files(c.files, expander);
          ok = expander.word(c.chown) && ok;
          return expander.word(c.chmod) && ok;
        } else if constexpr (std::is_same_v<T, ExposeCommand>) {
          bool ok = true;
          c.expanded_ports.clear();
          for (const auto& port : c.ports) {
            auto words = expander.words(port);
            if (!words) {
              ok = false;
              continue;
            }
            c.expanded_ports.insert(c.expanded_ports.end(), words->begin(), words->end());
          }
          c.normalized_ports.clear();
          for (const auto& spec : c.expanded_ports) {
            auto keys = expose_port_keys(spec);
            if (!keys) {
              ok = expander.fail("invalid-port", c.where, keys.error().message);
              continue;
            }
            for (auto& key : *keys) {
              if (std::find(c.normalized_ports.begin(), c.normalized_ports.end(), key) == c.normalized_ports.end()) {
                c.normalized_ports.push_back(std::move(key));
              }
            }
          }
          return ok;
        } else if constexpr (std::is_same_v<T, VolumeCommand>) {
          if (!all_words(expander, c.volumes)) return false;
          for (const auto& volume : c.volumes) {
            if (volume.value.empty()) {
              return expander.fail("empty-volume", volume.where, "VOLUME specified can not be an empty string");
            }
          }
          return true;
        } else if constexpr (std::is_same_v<T, UserCommand>) {
          if (!expander.word(c.user)) return false;
          state.user = c.user.value;
          return true;
        } else if constexpr (std::is_same_v<T, WorkdirCommand>) {
          if (!expander.word(c.path)) return false;
          const std::string& path = c.path.value;
          state.workdir = path.starts_with('/') ? go_clean_path(path) : go_clean_path("/" + state.workdir + "/" + path);
          return true;
        } else if constexpr (std::is_same_v<T, StopsignalCommand>) {
          if (!expander.word(c.signal)) return false;
          auto number = parse_stop_signal(c.signal.value);
          if (!number) return expander.fail("invalid-signal", c.signal.where, number.error().message);
          c.number = *number;
          return true;
        } else if constexpr (std::is_same_v<T, ShellCommand>) {
          state.shell.clear();
          for (const auto& word : c.shell) state.shell.push_back(word.value);
          return true;
        } else if constexpr (std::is_same_v<T, RunCommand>) {
          return dispatch_run(c, state, expander);
        } else {
          // FROM, CMD, ENTRYPOINT, MAINTAINER, HEALTHCHECK, ONBUILD: nothing
          // is expanded.
          return true;
        }
      },
      command);
}

} // namespace distill::frontend
