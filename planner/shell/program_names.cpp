#include "planner/shell/program_names.hpp"

#include "planner/shell/reader.hpp"
#include "planner/shell/walk.hpp"
#include "planner/shell/wrappers.hpp"

#include <set>

namespace distill::planner::shell {

namespace {

// Builtins of dash (Debian's /bin/sh) and bash: they run in the shell itself.
const std::set<std::string_view>& builtins() {
  static const std::set<std::string_view> names{
      ".",       ":",       "[",        "alias",   "bg",      "bind",     "break",    "builtin", "caller",
      "cd",      "chdir",   "command",  "compgen", "complete", "continue", "declare",  "dirs",    "disown",
      "echo",    "enable",  "eval",     "exec",    "exit",    "export",   "false",    "fc",      "fg",
      "getopts", "hash",    "help",     "history", "jobs",    "kill",     "let",      "local",   "logout",
      "mapfile", "popd",    "printf",   "pushd",   "pwd",     "read",     "readarray", "readonly", "return",
      "set",     "shift",   "shopt",    "source",  "suspend", "test",     "times",    "trap",    "true",
      "type",    "typeset", "ulimit",   "umask",   "unalias", "unset",    "wait",
  };
  return names;
}

void function_names(const List& list, std::set<std::string>& out) {
  for (const auto& item : list.items) {
    for (const auto& pipeline : item.pipelines) {
      for (const auto& command : pipeline.commands) {
        if (command.kind == Command::Kind::function_def) {
          out.insert(command.name);
        }
        for (const auto& body : command.bodies) {
          function_names(body, out);
        }
      }
    }
  }
}

} // namespace

std::vector<std::string> program_names(std::string_view text) {
  const Script script = read_script(std::string(text));
  if (script.error) {
    return {};
  }
  std::set<std::string> functions;
  function_names(script.list, functions);
  std::set<std::string> names;
  for (const auto& flat : flatten(script)) {
    const auto& words = flat.command->words;
    const auto start = command_start(words);
    // A wrapper is a program too (env and nice are coreutils', sudo its own).
    for (const auto index : start.wrappers) {
      if (words[index].literal() && !builtins().contains(words[index].value())) {
        names.insert(words[index].value());
      }
    }
    if (start.index >= words.size() || !words[start.index].literal()) {
      continue;
    }
    std::string name = words[start.index].value();
    if (name == "." || name == "source") {
      return {}; // the sourced file may define functions: nothing can be said
    }
    if (name.empty() || builtins().contains(name) || functions.contains(name)) {
      continue;
    }
    names.insert(std::move(name));
  }
  return {names.begin(), names.end()};
}

} // namespace distill::planner::shell
