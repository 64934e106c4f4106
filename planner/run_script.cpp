#include "planner/run_script.hpp"

#include <algorithm>
#include <cctype>

namespace distill::planner {
namespace {

// True when the RUN text is nothing but one heredoc marker (`<<EOF`, `<<-'EOF'`).
bool only_heredoc(const std::string& text, const frontend::HeredocFile& file) {
  std::string trimmed = text;
  std::erase_if(trimmed, [](char c) { return c == ' ' || c == '\t' || c == '\'' || c == '"'; });
  std::size_t at = 0;
  while (at < trimmed.size() && std::isdigit(static_cast<unsigned char>(trimmed[at]))) ++at;
  if (trimmed.compare(at, 2, "<<") != 0) return false;
  at += 2;
  if (at < trimmed.size() && trimmed[at] == '-') ++at;
  return trimmed.substr(at) == file.name;
}

} // namespace

std::string heredoc_content(const frontend::HeredocFile& file) {
  if (!file.chomp) return file.content;
  std::string out;
  bool line_start = true;
  for (char c : file.content) {
    if (line_start && c == '\t') continue;
    line_start = c == '\n';
    out.push_back(c);
  }
  return out;
}

std::string RunScript::interpreter() const {
  if (heredoc == nullptr || !text.starts_with("#!")) return {};
  return text.substr(2, text.find('\n') - 2);
}

RunScript run_script(const frontend::RunCommand& run) {
  const frontend::CommandLine& line = run.command;
  RunScript script;
  if (line.args.empty()) {
    script.start = run.where.begin.offset;
    return script;
  }
  script.text = line.args.front().raw;
  script.start = line.args.front().where.begin.offset;
  if (line.files.size() == 1 && only_heredoc(script.text, line.files.front())) {
    const frontend::HeredocFile& file = line.files.front();
    script.text = heredoc_content(file);
    script.start = file.body.begin.offset;
    script.strip_tabs = file.chomp;
    script.heredoc = &file;
    return script;
  }
  // BuildKit gives the shell the command line and each body with its delimiter.
  for (const frontend::HeredocFile& file : line.files) script.text += "\n" + file.content + file.name;
  return script;
}

bool is_shell_name(std::string_view name) {
  return name == "sh" || name == "bash" || name == "dash" || name == "ash" || name == "ksh" || name == "zsh";
}

} // namespace distill::planner
