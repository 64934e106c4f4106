#include "backend/sandbox/command.hpp"

#include "backend/oci/image_config.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

namespace {

std::string trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

// True when `script` is nothing but one heredoc marker for `name`:
// "<<EOF", "<<-EOF", "<< 'EOF'", "3<<\"EOF\"".
bool is_only_heredoc(std::string_view script, const std::string& name) {
  std::string text = trim(script);
  std::size_t pos = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    ++pos;
  }
  if (text.compare(pos, 2, "<<") != 0) {
    return false;
  }
  pos += 2;
  if (pos < text.size() && text[pos] == '-') {
    ++pos;
  }
  std::string word = trim(std::string_view(text).substr(pos));
  std::erase_if(word, [](char c) { return c == '\'' || c == '"'; });
  return !word.empty() && word == name;
}

} // namespace

Result<Command> build_command(const planner::Run& run) {
  Command command;
  if (!run.shell_form) {
    if (run.argv.empty() || run.argv.front().empty()) {
      return fail("RUN has an empty command");
    }
    command.argv = run.argv;
    return command;
  }
  std::vector<std::string> shell = run.shell;
  if (shell.empty()) {
    shell = {"/bin/sh", "-c"};
  }
  std::string script = run.script;
  if (run.heredocs.size() == 1 && is_only_heredoc(run.script, run.heredocs[0].name)) {
    const auto& doc = run.heredocs[0];
    if (doc.content.starts_with("#!")) {
      command.files.push_back({doc.name, doc.content});
      command.argv = {"/dev/pipes/" + doc.name};
      return command;
    }
    script = doc.content;
  } else {
    for (const auto& doc : run.heredocs) {
      script += "\n" + doc.content + doc.name;
    }
  }
  if (trim(script).empty()) {
    return fail("RUN has an empty command");
  }
  command.argv = shell;
  command.argv.push_back(script);
  return command;
}

std::vector<std::string> build_env(const planner::Run& run, const std::string& home) {
  std::vector<std::string> keys;
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : run.env) {
    if (!values.contains(key)) {
      keys.push_back(key);
    }
    values[key] = value;
  }
  if (!values.contains("PATH")) {
    keys.push_back("PATH");
    values["PATH"] = oci::k_default_path;
  }
  if (!values.contains("HOME")) {
    keys.push_back("HOME");
    values["HOME"] = home.empty() ? "/" : home;
  }
  std::vector<std::string> env;
  for (const auto& key : keys) {
    env.push_back(key + "=" + values[key]);
  }
  return env;
}

} // namespace distill::backend::sandbox
