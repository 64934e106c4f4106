#include "planner/lint/run_view.hpp"

#include "planner/shell/reader.hpp"

#include <algorithm>

namespace distill::planner::lint {

using frontend::CommandLine;
using frontend::HeredocFile;
using frontend::MountType;
using frontend::RunMount;
using frontend::Word;

RunPiece::RunPiece(const LintContext& context, const std::string& text, std::size_t start,
                   const support::SourceRange& fallback)
    : script(shell::read_script(text)),
      map(context.document.file, start, script.text, context.document.escape, fallback),
      flat(shell::flatten(script)) {}

support::SourceRange RunCommandView::where() const { return piece->map.range(command().begin, command().end); }

support::SourceRange RunCommandView::words(std::size_t first, std::size_t last) const {
  return piece->map.range(args.words[first]->begin, args.words[last]->end);
}

bool RunView::mounted(std::string_view path) const {
  return std::ranges::any_of(run->mounts, [&](const RunMount& mount) {
    if (mount.type != MountType::cache && mount.type != MountType::tmpfs) return false;
    const std::string_view target = mount.target;
    return path == target || (path.starts_with(target) && (target.ends_with('/') || path[target.size()] == '/'));
  });
}

RunView read_run(const LintContext& context, const frontend::Step& step, const frontend::RunCommand& run) {
  RunView view;
  view.step = &step;
  view.run = &run;
  const CommandLine& line = run.command;
  if (line.args.empty()) return view;
  if (!line.shell_form) {
    std::string text;
    for (const Word& word : line.args) text += (text.empty() ? "" : " ") + word.raw;
    view.pieces.push_back(std::make_unique<RunPiece>(context, text, run.where.begin.offset, run.where));
  } else {
    const Word& word = line.args.front();
    const std::size_t first = word.raw.find_first_not_of(" \t\r\n");
    // `RUN <<EOF` alone runs the here-document as the script.
    const bool only_heredocs = !line.files.empty() && first != std::string::npos &&
                               std::string_view(word.raw).substr(first).starts_with("<<") &&
                               word.raw.find('\n') == std::string::npos && word.raw.find(' ', first) == std::string::npos;
    if (only_heredocs) {
      for (const HeredocFile& file : line.files) {
        view.pieces.push_back(std::make_unique<RunPiece>(context, file.content, file.body.begin.offset, file.body));
      }
    } else {
      view.pieces.push_back(std::make_unique<RunPiece>(context, word.raw, word.where.begin.offset, word.where));
    }
  }
  for (const auto& piece : view.pieces) {
    for (std::size_t i = 0; i < piece->flat.size(); ++i) {
      view.commands.push_back(RunCommandView{piece.get(), i, read_args(*piece->flat[i].command)});
    }
  }
  return view;
}

std::string_view subcommand(const ShellArgs& args) {
  for (std::size_t i = args.first + 1; i < args.values.size(); ++i) {
    if (!args.values[i].starts_with('-')) return args.values[i];
  }
  return {};
}

bool installs_dependencies(const RunView& view) {
  return std::ranges::any_of(view.commands, [](const RunCommandView& command) {
    const std::string_view name = command.args.name();
    const std::string_view sub = subcommand(command.args);
    if (name == "apt-get" || name == "apt" || name == "yum" || name == "dnf" || name == "microdnf" ||
        name == "zypper") {
      return sub == "install";
    }
    if (name == "apk") return sub == "add";
    // pip installs the project's dependencies from a requirements file; `pip install .`
    // builds the project itself, which needs the sources anyway.
    if (name.starts_with("pip")) {
      return sub == "install" && std::ranges::any_of(command.args.values, [](const std::string& value) {
               return value == "-r" || value == "--requirement" || value.starts_with("--requirement=") ||
                      (value.starts_with("-r") && value.size() > 2 && value[2] != '-');
             });
    }
    if (name == "poetry" || name == "pipenv" || name == "bundle" || name == "composer" || name == "pnpm") {
      return sub == "install" || sub == "sync";
    }
    if (name == "npm") return sub == "ci" || sub == "install" || sub == "i";
    if (name == "yarn") return sub.empty() || sub == "install";
    if (name == "go") return sub == "mod" || sub == "get";
    if (name == "cargo") return sub == "fetch";
    if (name == "mvn") return sub.starts_with("dependency:");
    return false;
  });
}

} // namespace distill::planner::lint
