#include "planner/rewrite/run_units.hpp"

#include "planner/rewrite/arch_conditions.hpp"
#include "planner/rewrite/file_ops.hpp"
#include "planner/rewrite/mirror_switch.hpp"

#include <algorithm>

namespace distill::planner::rewrite::detail {
namespace {

std::string command_name(const shell::SimpleCommand& command) {
  if (command.words.empty() || !command.words[0].literal()) {
    return {};
  }
  return command.words[0].value();
}

// `[ -z "$V" ]` or `test -z "$V"` for a recorded V.
bool is_empty_test(const shell::Pipeline& pipeline, const std::vector<std::string>& saved, std::string& name) {
  if (pipeline.commands.size() != 1 || pipeline.negated || pipeline.commands[0].kind != shell::Command::Kind::simple) {
    return false;
  }
  const auto& words = pipeline.commands[0].simple.words;
  const bool bracket = words.size() == 4 && words[0].literal() && words[0].value() == "[" && words[3].literal() &&
                       words[3].value() == "]";
  const bool test = words.size() == 3 && words[0].literal() && words[0].value() == "test";
  if (!(bracket || test) || !words[1].literal() || words[1].value() != "-z") {
    return false;
  }
  const auto& parts = words[2].parts;
  if (parts.size() != 1 || parts[0].kind != shell::WordPart::Kind::parameter || !parts[0].modifier.empty()) {
    return false;
  }
  name = parts[0].text;
  return std::ranges::find(saved, name) != saved.end();
}

void collect_names(const shell::Word& word, std::set<std::string>& reads) {
  for (const shell::WordPart& part : word.parts) {
    if (part.kind == shell::WordPart::Kind::parameter) {
      reads.insert(part.text);
    }
  }
}

// $NAME and ${NAME in text that the shell expands (heredoc bodies).
void collect_text_names(const std::string& text, std::set<std::string>& reads) {
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != '$') continue;
    std::size_t at = i + 1;
    if (text[at] == '{') ++at;
    const std::size_t start = at;
    while (at < text.size() && (std::isalnum(static_cast<unsigned char>(text[at])) || text[at] == '_')) ++at;
    if (at > start) reads.insert(text.substr(start, at - start));
  }
}

// Names read by the words of compound commands (case subjects, for lists, patterns).
void collect_compound_names(const shell::Command& command, std::set<std::string>& reads) {
  for (const shell::Word& word : command.words) collect_names(word, reads);
  for (const auto& patterns : command.patterns) {
    for (const shell::Word& word : patterns) collect_names(word, reads);
  }
  for (const shell::Redirect& redirect : command.redirects) collect_names(redirect.target, reads);
  for (const shell::List& body : command.bodies) {
    for (const shell::AndOr& item : body.items) {
      for (const shell::Pipeline& pipeline : item.pipelines) {
        for (const shell::Command& inner : pipeline.commands) collect_compound_names(inner, reads);
      }
    }
  }
}

// Function definitions and for-loop variables anywhere in a command, outside subshells.
void collect_definitions(const shell::Command& command, Effects& effects) {
  if (command.kind == shell::Command::Kind::subshell) {
    return;
  }
  if (command.kind == shell::Command::Kind::function_def) {
    effects.functions.insert(command.name);
    return; // its body runs only when called
  }
  if (command.kind == shell::Command::Kind::for_clause && !command.name.empty()) {
    effects.variables.insert(command.name);
  }
  for (const shell::List& body : command.bodies) {
    for (const shell::AndOr& item : body.items) {
      for (const shell::Pipeline& pipeline : item.pipelines) {
        if (pipeline.commands.size() == 1) {
          collect_definitions(pipeline.commands[0], effects);
        }
      }
    }
  }
}

std::string shorten(std::string text) {
  std::ranges::replace(text, '\n', ' ');
  if (text.size() > 70) {
    text = text.substr(0, 67) + "...";
  }
  return text;
}

bool is_shell_name(const std::string& name) {
  return name == "sh" || name == "bash" || name == "/bin/sh" || name == "/bin/bash" || name == "dash" ||
         name == "/usr/bin/bash" || name == "zsh";
}

// What an `other` unit does, read from every command inside it.
void inspect(Unit& unit, const shell::Pipeline& pipeline, const UnitContext& context, const std::string& text) {
  const auto commands = shell::flatten(pipeline);
  std::string download; // the text of the last curl/wget that pipes into something
  for (const shell::FlatCommand& flat : commands) {
    const shell::SimpleCommand& command = *flat.command;
    for (const shell::Assignment& assignment : command.assignments) collect_names(assignment.value, unit.reads);
    for (const shell::Word& word : command.words) collect_names(word, unit.reads);
    for (const shell::Redirect& redirect : command.redirects) {
      collect_names(redirect.target, unit.reads);
      if (redirect.heredoc && !redirect.heredoc_quoted) collect_text_names(*redirect.heredoc, unit.reads);
    }
    const std::string name = command_name(command);
    if (!name.empty()) unit.calls.insert(name);
    if (name == "curl" || name == "wget") {
      download.clear();
      for (const shell::Word& word : command.words) download += word.text + " ";
    }
    // Vendor setup scripts piped into a shell (nodesource's setup_22.x, get.docker.com)
    // add apt sources; toolchain installers (rustup, uv) do not.
    if (!download.empty() && flat.before == shell::Connector::pipe && is_shell_name(name)) {
      for (const char* hint : {"setup", "deb", "apt", "repo", "ppa", "get.docker"}) {
        if (download.find(hint) != std::string::npos) {
          unit.sources_change = "runs a downloaded setup script (" + shorten(text) + ")";
          break;
        }
      }
    }
    if (mentions_apt_install(command)) unit.install_commands += 1;
    AptContext apt_context;
    apt_context.environment = context.environment;
    const AptCommand apt = read_apt_command(command, apt_context);
    if (apt.needs_lists) unit.needs_lists = true;
    if (apt.action == AptAction::update) unit.fetches_lists = true;
    if (apt.action == AptAction::clean &&
        std::ranges::any_of(apt.cleaned_paths, [](const std::string& p) { return p.starts_with("/var/lib/apt/lists"); }))
      unit.cleans_lists = true;
    if (apt.action != AptAction::none && apt.action != AptAction::query && apt.action != AptAction::update &&
        apt.action != AptAction::clean)
      unit.touches_apt = true;
    if (apt.changes_sources && unit.sources_change.empty()) unit.sources_change = shorten(text);
    const bool affects_shell = !(flat.in_subshell || flat.in_substitution || flat.in_pipeline || flat.in_function);
    if (!affects_shell) continue;
    if (command.words.empty()) {
      for (const shell::Assignment& assignment : command.assignments) unit.effects.variables.insert(assignment.name);
    } else if (name == "export" || name == "readonly" || name == "declare" || name == "typeset" || name == "local" ||
               name == "read" || name == "unset") {
      for (std::size_t i = 1; i < command.words.size(); ++i) {
        std::string arg = command.words[i].literal() ? command.words[i].value() : command.words[i].text;
        if (arg.starts_with("-")) continue;
        unit.effects.variables.insert(arg.substr(0, arg.find('=')));
      }
      if (name == "export") unit.effects.environment = true;
    } else if (name == "cd" || name == "pushd" || name == "popd") {
      unit.effects.cwd = true;
    } else if (name == "source" || name == "." || name == "eval" || name == "exec" || name == "trap" ||
               name == "alias" || name == "unalias" || name == "shopt" || name == "ulimit" || name == "umask" ||
               name == "shift" || name == "set" || name == "hash" || name == "getopts") {
      unit.effects.global = true;
    }
  }
  for (const shell::Command& command : pipeline.commands) {
    if (pipeline.commands.size() == 1) collect_definitions(command, unit.effects);
    collect_compound_names(command, unit.reads);
  }
  // A sed that only swaps one archive location for another keeps the suites and components;
  // the mirror comes from distill's configuration.
  const bool mirror_switch = pipeline.commands.size() == 1 && !pipeline.negated &&
                             pipeline.commands[0].kind == shell::Command::Kind::simple && context.environment &&
                             is_mirror_switch(pipeline.commands[0].simple, *context.environment);
  if (unit.sources_change.empty() && !mirror_switch && mentions_apt_sources(text)) {
    unit.sources_change = shorten(text);
  }
}

// Commands that only read the system and compute text: running them again in
// a later piece gives the same values.
bool pure_command(const shell::SimpleCommand& command) {
  static const std::set<std::string, std::less<>> k_pure = {
      "[", "[[", "test", "echo", "printf", "exit", "true", "false", ":", "return", "dpkg-architecture", "uname",
      "nproc", "cat", "grep", "egrep", "fgrep", "awk", "mawk", "gawk", "cut", "tr", "head", "tail", "sort", "uniq",
      "wc", "basename", "dirname", "readlink", "realpath", "lsb_release", "id", "getconf", "expr", "seq", "command",
      "sed", "dpkg", "local", "uniq"};
  for (const shell::Redirect& redirect : command.redirects) {
    const bool null = redirect.target.literal() && redirect.target.value() == "/dev/null";
    const bool dup = (redirect.op == ">&" || redirect.op == "<&") && redirect.target.literal();
    if (!(null || dup || redirect.op == "<" || redirect.op == "<<<")) return false;
  }
  if (command.words.empty()) {
    return true; // an assignment; its substitutions are checked on their own
  }
  if (!command.words[0].literal()) return false;
  const std::string name = command.words[0].value();
  if (name == "." || name == "source") {
    return command.words.size() == 2 && command.words[1].literal() &&
           (command.words[1].value() == "/etc/os-release" || command.words[1].value() == "/usr/lib/os-release");
  }
  if (!k_pure.contains(name)) return false;
  std::size_t operands = 0;
  for (std::size_t i = 1; i < command.words.size(); ++i) {
    const shell::Word& word = command.words[i];
    const std::string text = word.literal() ? word.value() : word.text;
    const bool option = word.literal() && text.size() > 1 && text[0] == '-';
    operands += option ? 0 : 1;
    // Commands in the list that can still write files or run others with some options.
    if (name == "sed" && ((option && text[1] != '-' && text.find('i') != std::string::npos) ||
                          text.starts_with("--in-place") || (!option && (text.starts_with("w ") ||
                                                                         text.find("/w ") != std::string::npos))))
      return false;
    if (name == "awk" || name == "mawk" || name == "gawk") {
      if (text.find("system") != std::string::npos || text.find('>') != std::string::npos ||
          text.find('|') != std::string::npos)
        return false;
    }
    if (name == "sort" && (text == "-o" || text.starts_with("--output") || (option && text[1] != '-' && text.find('o') != std::string::npos)))
      return false;
    if (name == "command" && i == 1 && text != "-v" && text != "-V") return false;
    if (name == "dpkg" && option && text != "--print-architecture" && text != "--print-foreign-architectures" &&
        text != "--compare-versions")
      return false;
  }
  if (name == "uniq" && operands > 1) return false;
  return true;
}

// True when every command of the pipeline is pure. `guard`: it is more than
// assignments (a test, a case, an if), so it can decide whether the step fails.
bool pure(const shell::Pipeline& pipeline, bool& guard) {
  for (const shell::FlatCommand& flat : shell::flatten(pipeline)) {
    if (flat.in_function) continue;
    if (!pure_command(*flat.command)) return false;
  }
  const shell::Command& first = pipeline.commands.front();
  guard = !(pipeline.commands.size() == 1 && first.kind == shell::Command::Kind::simple && first.simple.words.empty()) &&
          first.kind != shell::Command::Kind::function_def;
  return true;
}

// Why apt installs inside an `other` unit stay shell.
void explain_installs(Unit& unit, const shell::AndOr& item, const shell::Pipeline& pipeline) {
  if (unit.install_commands == 0 || !unit.refusal.empty()) {
    return;
  }
  const shell::Command& command = pipeline.commands.front();
  using Kind = shell::Command::Kind;
  if (pipeline.commands.size() > 1) {
    unit.cause = "pipeline-install";
    unit.refusal = "apt-get install in a pipeline";
  } else if (pipeline.negated || item.background) {
    unit.cause = "pipeline-install";
    unit.refusal = pipeline.negated ? "apt-get install negated with '!'" : "apt-get install in the background";
  } else if (command.kind == Kind::if_clause || command.kind == Kind::case_clause) {
    unit.cause = "conditional-install";
    unit.refusal = "apt-get install inside if/case";
  } else if (command.kind == Kind::for_clause || command.kind == Kind::while_clause ||
             command.kind == Kind::until_clause) {
    unit.cause = "loop-install";
    unit.refusal = "apt-get install inside a loop";
  } else if (command.kind == Kind::function_def) {
    unit.cause = "function-install";
    unit.refusal = "apt-get install inside a function";
  } else if (command.kind != Kind::simple) {
    unit.cause = "subshell-install";
    unit.refusal = "apt-get install inside a subshell or { } group";
  } else {
    const std::string name = command_name(command.simple);
    unit.cause = name == "xargs" ? "xargs-install" : "indirect-install";
    unit.refusal = name == "xargs" ? "package list read by xargs" : "apt-get install run through " + (name.empty() ? command.simple.words.front().text : name);
  }
}

struct Reader {
  const shell::Script& script;
  const RunScriptContext& run;
  UnitContext context;
  shell::ShellOptions options;
  shell::Environment env;
  std::string cwd;
  Replay replay;
  bool umask_set = false;
  std::vector<Unit> units;
  std::vector<const shell::AndOr*> items; // the and-or lists in the order they run
  PlatformArch arch;
  ArchVariables arch_variables; // variables holding `$(dpkg --print-architecture)` or `$(uname -m)`
  int region = 0;

  Reader(const shell::Script& s, const RunScriptContext& r)
      : script(s), run(r), cwd(r.workdir), arch(platform_arch(r.platform)) {
    env.values = r.variables;
    env.complete = r.complete_environment;
    env.base_image = r.base_image_env;
    env.shadowed = r.shadowed;
    options = r.options;
    context.run = &r;
    context.environment = &env;
  }

  // The shell gives `name` a value only running the script can tell.
  void forget(const std::string& name) {
    env.values.erase(name);
    env.unknown.insert(name);
    arch_variables.erase(name);
  }
  void learn(const std::string& name, std::string value) {
    arch_variables.erase(name);
    env.unknown.erase(name);
    env.values[name] = std::move(value);
  }

  std::string text(std::size_t begin, std::size_t end) const { return script.text.substr(begin, end - begin); }

  void add_line(std::string text) { replay.lines.push_back({std::move(text), false, false, {}, {}}); }

  // The unit for a lone simple command.
  void classify_simple(Unit& unit, const shell::SimpleCommand& command) {
    AptContext apt_context;
    apt_context.environment = &env;
    apt_context.saved_manual = context.saved_manual;
    if (command.words.empty()) {
      const AptCommand apt = read_apt_command(command, apt_context);
      if (apt.action == AptAction::save_manual) {
        unit.kind = UnitKind::apt;
        unit.apt = apt;
        context.saved_manual.push_back(apt.save_manual);
        forget(apt.save_manual);
        return;
      }
      std::vector<std::pair<std::string, std::string>> values;
      for (const shell::Assignment& assignment : command.assignments) {
        auto value = shell::expand_word(assignment.value, env);
        if (!value || assignment.append) {
          for (const shell::Assignment& a : command.assignments) {
            forget(a.name);
            unit.effects.variables.insert(a.name);
          }
          unit.kind = UnitKind::other;
          return;
        }
        values.emplace_back(assignment.name, std::move(*value));
      }
      for (auto& [name, value] : values) {
        add_line(name + "=" + shell_quote(value));
        learn(name, std::move(value));
      }
      unit.kind = UnitKind::state;
      return;
    }
    const std::string name = command_name(command);
    if (name == "set") {
      shell::apply_set(command, options);
      add_line(text(command.begin, command.end));
      unit.kind = UnitKind::state;
      return;
    }
    if (name == "export" && command.assignments.empty() && command.redirects.empty()) {
      std::vector<std::pair<std::string, std::string>> values;
      bool literal = true;
      for (std::size_t i = 1; i < command.words.size() && literal; ++i) {
        auto arg = shell::expand_word(command.words[i], env);
        if (!arg || arg->starts_with("-")) {
          literal = false;
          break;
        }
        const auto equals = arg->find('=');
        const std::string key = arg->substr(0, equals);
        if (equals == std::string::npos) {
          const auto known = env.values.find(key);
          if (known == env.values.end()) literal = false;
          else values.emplace_back(key, known->second);
        } else {
          values.emplace_back(key, arg->substr(equals + 1));
        }
      }
      if (literal && !values.empty()) {
        for (auto& [key, value] : values) {
          add_line("export " + key + "=" + shell_quote(value));
          learn(key, std::move(value));
        }
        unit.kind = UnitKind::state;
        return;
      }
      for (std::size_t i = 1; i < command.words.size(); ++i) {
        const std::string key = command.words[i].text.substr(0, command.words[i].text.find('='));
        forget(key);
        unit.effects.variables.insert(key);
      }
      unit.effects.environment = true;
      unit.kind = UnitKind::other;
      return;
    }
    if (name == "cd" && command.assignments.empty()) {
      std::optional<std::string> target;
      if (command.words.size() == 2) {
        if (auto arg = shell::expand_word(command.words[1], env); arg && *arg != "-" && !command.words[1].has_tilde()) {
          target = absolute_path(*arg, cwd);
        }
      }
      if (target && !target->empty()) {
        cwd = *target;
        replay.lines.push_back({"cd " + shell_quote(cwd) + " || exit", true, false, {}, {}});
        unit.kind = UnitKind::state;
      } else {
        cwd.clear();
        unit.effects.cwd = true;
        unit.kind = UnitKind::other;
      }
      return;
    }
    if (name == "umask" || name == "unset") {
      if (name == "umask") umask_set = true;
      for (std::size_t i = 1; name == "unset" && i < command.words.size(); ++i) {
        env.values.erase(command.words[i].value());
        env.unknown.erase(command.words[i].value());
        env.shadowed.insert(command.words[i].value()); // no longer what the base image's Env set
      }
      add_line(text(command.begin, command.end));
      unit.kind = UnitKind::state;
      return;
    }
    if ((name == "true" || name == ":") && command.redirects.empty()) {
      unit.kind = UnitKind::noop;
      return;
    }
    const AptCommand apt = read_apt_command(command, apt_context);
    if (apt.action != AptAction::none && !(apt.tool == "rm")) {
      unit.apt = apt;
      unit.findings = apt.findings;
      unit.needs_lists = apt.needs_lists;
      unit.install_commands = apt.action == AptAction::install || mentions_apt_install(command) ? 1 : 0;
      if (apt.changes_sources) unit.sources_change = shorten(text(command.begin, command.end));
      if (!apt.declarative()) {
        unit.kind = UnitKind::other;
        unit.refusal = apt.refusal;
        unit.cause = apt.cause;
        unit.touches_apt = apt.action != AptAction::query;
        return;
      }
      if (apt.action == AptAction::update) {
        unit.kind = UnitKind::noop;
        unit.is_update = true;
        unit.fetches_lists = true;
      } else if (apt.action == AptAction::query) {
        unit.kind = UnitKind::other;
      } else {
        unit.kind = UnitKind::apt;
        unit.cleans_lists = apt.action == AptAction::clean &&
                            std::ranges::any_of(apt.cleaned_paths, [](const std::string& p) { return p.starts_with("/var/lib/apt/lists"); });
      }
      return;
    }
    FileOpContext file_context;
    file_context.environment = &env;
    file_context.cwd = cwd;
    file_context.root = run.root;
    FileOpResult file = read_file_op(command, file_context);
    if (file.recognized && umask_set && file.refusal.empty() && !file.no_op) {
      file.refusal = "a umask set earlier changes the modes it creates";
      file.cause = "umask";
    }
    if (file.declarative()) {
      unit.kind = file.no_op ? UnitKind::noop : UnitKind::file_op;
      unit.ops = std::move(file.ops);
      for (const Op& op : unit.ops) {
        if (const auto* remove = std::get_if<Remove>(&op); remove && remove->path.starts_with("/var/lib/apt/lists")) {
          unit.cleans_lists = true;
        }
        std::string path;
        const std::string* content = nullptr;
        std::visit([&](const auto& o) {
          if constexpr (requires { o.path; }) path = o.path;
          if constexpr (requires { o.content; }) content = &o.content;
        }, op);
        const bool removal = std::holds_alternative<Remove>(op);
        const std::string empty;
        if (changes_apt_sources(path, removal ? &empty : content)) {
          unit.sources_change = shorten(text(command.begin, command.end));
        }
      }
      return;
    }
    unit.kind = UnitKind::other;
    if (file.recognized) {
      unit.refusal = file.refusal;
      unit.cause = file.cause;
    }
  }

  // `dpkgArch="$(dpkg --print-architecture)"` as an and-or list of its own (or
  // in a chain of &&): remembered for the case/if tests after it.
  void record_arch_variables(const shell::AndOr& item, const shell::Pipeline& pipeline) {
    if (item.background || std::ranges::count(item.ops, shell::AndOrOp::or_if) > 0 || pipeline.negated ||
        pipeline.commands.size() != 1 || pipeline.commands[0].kind != shell::Command::Kind::simple) {
      return;
    }
    const shell::SimpleCommand& command = pipeline.commands[0].simple;
    if (!command.words.empty() || !command.redirects.empty()) return;
    for (const shell::Assignment& assignment : command.assignments) {
      if (auto value = arch_query_value(assignment.value, arch); value && !assignment.append) {
        arch_variables[assignment.name] = *value;
      }
    }
  }

  // An if/case decided by the platform, standing alone: its branch's lists are
  // read in its place (see read_units). True when it was.
  bool splice_branch(const shell::AndOr& item, const shell::Pipeline& pipeline) {
    if (item.pipelines.size() != 1 || item.background || pipeline.negated || pipeline.commands.size() != 1) {
      return false;
    }
    const shell::Command& command = pipeline.commands[0];
    if (command.kind != shell::Command::Kind::if_clause && command.kind != shell::Command::Kind::case_clause) {
      return false;
    }
    bool guard = false;
    if (pure(pipeline, guard)) return false; // only computes variables: replayed as it is
    const BranchDecision decision = decide_arch_branch(command, script.text, arch_variables, arch);
    if (!decision.decided) return false;
    items.push_back(&item); // the compound's own status (0 when no branch runs) counts as a list
    ++region;
    if (decision.body >= 0) {
      for (const shell::AndOr& inner : command.bodies[static_cast<std::size_t>(decision.body)].items) add(inner);
    }
    ++region;
    return true;
  }

  void add(const shell::AndOr& item) {
    if (!item.pipelines.empty() && splice_branch(item, item.pipelines[0])) return;
    items.push_back(&item);
    const std::size_t index = items.size() - 1;
    std::size_t p = 0;
    while (p < item.pipelines.size()) {
      Unit unit;
      unit.item = index;
      unit.and_or = &item;
      unit.region = region;
      unit.first = unit.last = p;
      unit.replay = replay;
      unit.errexit = options.errexit;
      const shell::Pipeline& pipeline = item.pipelines[p];
      unit.begin = pipeline.begin;
      unit.end = pipeline.end;
      std::string saved_name;
      // [ -z "$savedAptMark" ] || apt-mark manual $savedAptMark: one step.
      if (p + 1 < item.pipelines.size() && item.ops[p] == shell::AndOrOp::or_if &&
          is_empty_test(pipeline, context.saved_manual, saved_name)) {
        const shell::Pipeline& next = item.pipelines[p + 1];
        if (next.commands.size() == 1 && !next.negated && next.commands[0].kind == shell::Command::Kind::simple) {
          AptContext apt_context;
          apt_context.environment = &env;
          apt_context.saved_manual = context.saved_manual;
          const AptCommand apt = read_apt_command(next.commands[0].simple, apt_context);
          if (apt.declarative() && apt.action == AptAction::mark && apt.restore_manual == saved_name) {
            unit.kind = UnitKind::apt;
            unit.apt = apt;
            unit.last = p + 1;
            unit.end = next.end;
            units.push_back(std::move(unit));
            p += 2;
            continue;
          }
        }
      }
      const bool single = pipeline.commands.size() == 1 && !pipeline.negated && !item.background &&
                          pipeline.commands[0].kind == shell::Command::Kind::simple;
      if (single) {
        classify_simple(unit, pipeline.commands[0].simple);
      }
      const std::string unit_text = text(unit.begin, unit.end);
      if (single && !pipeline.commands[0].simple.words.empty()) {
        const shell::Word& word = pipeline.commands[0].simple.words[0];
        unit.label = word.literal() ? word.value() : word.text;
      } else {
        unit.label = shorten(unit_text);
        if (unit.label.size() > 40) unit.label = unit.label.substr(0, 37) + "...";
      }
      if (unit.kind == UnitKind::other) {
        const std::string refusal = unit.refusal, cause = unit.cause;
        Unit inspected = unit;
        inspected.install_commands = 0;
        inspect(inspected, pipeline, context, unit_text);
        inspected.refusal = refusal;
        inspected.cause = cause;
        unit = std::move(inspected);
        explain_installs(unit, item, pipeline);
        for (const std::string& name : unit.effects.variables) forget(name);
        // After `. file`, `eval` or `export $(...)` any name may hold what the script set.
        if (unit.effects.global || std::ranges::any_of(unit.effects.variables, [](const std::string& name) {
              return name.empty() || name.find_first_of("$`\"'") != std::string::npos;
            })) {
          env.base_image = false;
        }
        if (unit.effects.cwd) cwd.clear();
        bool guard = false;
        if (unit.install_commands == 0 && !unit.touches_apt && unit.sources_change.empty() && !unit.effects.cwd &&
            !unit.effects.global && pure(pipeline, guard)) {
          // Only computes variables: replayed where later pieces need them (a guard, such
          // as `exit 1` for an unknown architecture, everywhere after it).
          ReplayLine line{unit_text, false, !guard, {}, {}}; // reads and defines below
          line.defines.insert(unit.effects.variables.begin(), unit.effects.variables.end());
          line.defines.insert(unit.effects.functions.begin(), unit.effects.functions.end());
          line.reads.insert(unit.reads.begin(), unit.reads.end());
          line.reads.insert(unit.calls.begin(), unit.calls.end());
          replay.lines.push_back(std::move(line));
          unit.kind = UnitKind::state;
          unit.guard = guard;
          unit.effects = Effects{};
        }
      } else {
        const auto commands = shell::flatten(pipeline);
        for (const shell::FlatCommand& flat : commands) {
          for (const shell::Word& word : flat.command->words) collect_names(word, unit.reads);
        }
      }
      for (const std::string& name : context.saved_manual) {
        if (unit.reads.contains(name) && unit.kind == UnitKind::other) unit.saved_reference = true;
      }
      record_arch_variables(item, pipeline);
      units.push_back(std::move(unit));
      ++p;
    }
  }
};

} // namespace

std::string Replay::render(const std::set<std::string>& reads) const {
  std::set<std::string> needed = reads;
  std::vector<bool> keep(lines.size(), false);
  for (std::size_t i = lines.size(); i-- > 0;) {
    const ReplayLine& line = lines[i];
    if (line.cd) {
      // Only the last cd counts; computing commands before it may read files relative to it.
      bool later_cd = false;
      for (std::size_t j = i + 1; j < lines.size(); ++j) later_cd = later_cd || lines[j].cd;
      keep[i] = !later_cd;
      continue;
    }
    keep[i] = !line.conditional ||
              std::ranges::any_of(line.defines, [&](const std::string& name) { return needed.contains(name); });
    if (keep[i]) needed.insert(line.reads.begin(), line.reads.end());
  }
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (keep[i]) out += lines[i].text + '\n';
  }
  return out;
}

std::vector<Unit> read_units(const shell::Script& script, const RunScriptContext& context) {
  Reader reader(script, context);
  for (const shell::AndOr& item : script.list.items) {
    reader.add(item);
  }
  // Strictness: would a failure of the unit fail the whole step?
  for (Unit& unit : reader.units) {
    const shell::AndOr& item = *unit.and_or;
    bool caught = item.background;
    for (std::size_t op = unit.last; op < item.ops.size(); ++op) {
      caught = caught || item.ops[op] == shell::AndOrOp::or_if;
    }
    for (std::size_t p = unit.first; p <= unit.last; ++p) {
      caught = caught || (item.pipelines[p].negated && p == unit.last);
    }
    const bool last_item = unit.item + 1 == reader.items.size();
    unit.strict = !caught && (unit.errexit || last_item);
    for (std::size_t op = 0; op < item.ops.size(); ++op) {
      const bool inside = op >= unit.first && op < unit.last;
      unit.in_or_chain = unit.in_or_chain || (!inside && item.ops[op] == shell::AndOrOp::or_if);
    }
    unit.chained = !item.background && !unit.in_or_chain && unit.last < item.ops.size() &&
                   !item.pipelines[unit.last].negated &&
                   std::ranges::none_of(item.ops, [](shell::AndOrOp op) { return op == shell::AndOrOp::or_if; });
  }
  return std::move(reader.units);
}

} // namespace distill::planner::rewrite::detail
