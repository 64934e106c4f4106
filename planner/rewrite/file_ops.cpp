#include "planner/rewrite/file_ops.hpp"

#include "planner/rewrite/apt_command.hpp"
#include "planner/rewrite/literal_args.hpp"
#include "planner/rewrite/printf_format.hpp"
#include "planner/rewrite/user_ops.hpp"

#include <algorithm>

namespace distill::planner::rewrite {
namespace {

FileOpResult refused(std::string cause, std::string reason) {
  FileOpResult result;
  result.recognized = true;
  result.cause = std::move(cause);
  result.refusal = std::move(reason);
  return result;
}

bool is_option(const LiteralArg& arg) {
  return !arg.quoted && arg.text.size() > 1 && arg.text.front() == '-';
}

// Splits args into option letters/long names and operands; "--" ends options.
struct Split {
  std::vector<std::string> options;
  std::vector<LiteralArg> operands;
};

Split split_options(const std::vector<LiteralArg>& args) {
  Split split;
  bool ended = false;
  for (const LiteralArg& arg : args) {
    if (!ended && arg.text == "--" && !arg.quoted) {
      ended = true;
    } else if (!ended && is_option(arg)) {
      split.options.push_back(arg.text);
    } else {
      split.operands.push_back(arg);
    }
  }
  return split;
}

// The letters of short options ("-rf" -> "rf"); long options come back whole in `longs`.
std::string short_letters(const std::vector<std::string>& options, std::vector<std::string>& longs) {
  std::string letters;
  for (const std::string& option : options) {
    if (option.starts_with("--")) {
      longs.push_back(option.substr(2));
    } else {
      letters += option.substr(1);
    }
  }
  return letters;
}

bool valid_mode(const std::string& mode) {
  if (mode.empty()) {
    return false;
  }
  if (std::ranges::all_of(mode, [](char c) { return c >= '0' && c <= '7'; })) {
    return mode.size() <= 4;
  }
  // [ugoa]*([-+=]([rwxXst]*|[ugo]))+ , ...
  std::size_t i = 0;
  while (i < mode.size()) {
    while (i < mode.size() && std::string_view("ugoa").find(mode[i]) != std::string_view::npos) ++i;
    if (i >= mode.size() || std::string_view("+-=").find(mode[i]) == std::string_view::npos) return false;
    while (i < mode.size() && std::string_view("+-=").find(mode[i]) != std::string_view::npos) {
      ++i;
      while (i < mode.size() && std::string_view("rwxXstugo").find(mode[i]) != std::string_view::npos) ++i;
    }
    if (i < mode.size()) {
      if (mode[i] != ',') return false;
      ++i;
    }
  }
  return true;
}

std::string join_path(const std::string& directory, const std::string& name) {
  if (directory.ends_with("/")) {
    return directory + name;
  }
  return directory + "/" + name;
}

std::string base_of(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  const auto slash = trimmed.rfind('/');
  return slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
}

FileOpResult read_mkdir(const std::vector<LiteralArg>& args, const FileOpContext& context) {
  FileOpResult result;
  result.recognized = true;
  bool parents = false;
  std::optional<unsigned> mode;
  bool ended = false;
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& text = args[i].text;
    if (!ended && text == "--") {
      ended = true;
    } else if (!ended && is_option(args[i])) {
      if (text == "-p" || text == "--parents") {
        parents = true;
      } else if (text == "-v" || text == "--verbose") {
      } else if (text == "-m" || text.starts_with("--mode=") || (text.starts_with("-m") && text.size() > 2) ||
                 text == "-pm") {
        if (text == "-pm") {
          parents = true;
        }
        const std::string value = text.starts_with("--mode=") ? text.substr(7)
                                  : (text == "-m" || text == "-pm") ? (i + 1 < args.size() ? args[++i].text : "")
                                                                    : text.substr(2);
        if (value.empty() || !std::ranges::all_of(value, [](char c) { return c >= '0' && c <= '7'; })) {
          return refused("file-op-option", "mkdir -m " + value + " (only octal modes are modelled)");
        }
        mode = static_cast<unsigned>(std::stoul(value, nullptr, 8));
      } else if (text == "-vp" || text == "-pv") {
        parents = true;
      } else {
        return refused("file-op-option", "mkdir " + text + " is not modelled");
      }
    } else {
      if (args[i].glob) {
        return refused("file-op-glob", "mkdir of a pattern (" + text + ")");
      }
      paths.push_back(text);
    }
  }
  if (paths.empty()) {
    return refused("file-op-option", "mkdir without a path");
  }
  for (const std::string& path : paths) {
    const std::string absolute = absolute_path(path, context.cwd);
    if (absolute.empty()) {
      return refused("unknown-cwd", "mkdir of a relative path after a cd the planner cannot follow");
    }
    Mkdir op;
    op.path = absolute;
    op.parents = parents;
    if (mode) {
      op.mode = *mode;
    }
    result.ops.push_back(std::move(op));
  }
  return result;
}

FileOpResult read_ln(const std::vector<LiteralArg>& args, const FileOpContext& context) {
  const Split split = split_options(args);
  std::vector<std::string> longs;
  const std::string letters = short_letters(split.options, longs);
  bool symbolic = false, force = false, no_target = false;
  for (char c : letters) {
    switch (c) {
    case 's': symbolic = true; break;
    case 'f': force = true; break;
    case 'n': case 'T': no_target = true; break;
    case 'v': break;
    default: return refused("file-op-option", std::string("ln -") + c + " is not modelled");
    }
  }
  for (const std::string& name : longs) {
    if (name == "symbolic") symbolic = true;
    else if (name == "force") force = true;
    else if (name == "no-dereference" || name == "no-target-directory") no_target = true;
    else if (name != "verbose") return refused("file-op-option", "ln --" + name + " is not modelled");
  }
  if (!symbolic) {
    return refused("hard-link", "ln without -s makes a hard link");
  }
  if (split.operands.empty()) {
    return refused("file-op-option", "ln -s without a target");
  }
  for (const LiteralArg& operand : split.operands) {
    if (operand.glob) {
      return refused("file-op-glob", "ln -s with a pattern (" + operand.text + ")");
    }
  }
  FileOpResult result;
  result.recognized = true;
  const auto add = [&](const std::string& target, const std::string& link, bool exact) {
    Symlink op;
    op.target = target;
    op.path = link;
    op.force = force;
    op.no_target_directory = no_target || exact;
    result.ops.push_back(std::move(op));
  };
  if (context.cwd.empty()) {
    return refused("unknown-cwd", "ln -s after a cd the planner cannot follow");
  }
  if (split.operands.size() == 1) {
    add(split.operands[0].text, absolute_path(base_of(split.operands[0].text), context.cwd), true);
    return result;
  }
  const std::string last = split.operands.back().text;
  if (split.operands.size() == 2 && !last.ends_with("/")) {
    add(split.operands[0].text, absolute_path(last, context.cwd), false);
    return result;
  }
  // ln -s a b dir/ : links inside the directory
  const std::string directory = absolute_path(last, context.cwd);
  for (std::size_t i = 0; i + 1 < split.operands.size(); ++i) {
    add(split.operands[i].text, join_path(directory, base_of(split.operands[i].text)), true);
  }
  return result;
}

FileOpResult read_chmod_chown(const std::string& tool, const std::vector<LiteralArg>& args,
                              const FileOpContext& context) {
  const Split split = split_options(args);
  bool recursive = false;
  std::string spec;
  for (const std::string& option : split.options) {
    if (option == "-R" || option == "--recursive") {
      recursive = true;
    } else if (option == "-v" || option == "-c" || option == "--verbose" || option == "--changes" ||
               option == "-f" || option == "--silent" || option == "--quiet") {
    } else if (tool == "chmod" && valid_mode(option)) {
      spec = option; // `chmod -x file`: a mode that starts with '-'
    } else {
      return refused("file-op-option", tool + " " + option + " is not modelled");
    }
  }
  std::vector<LiteralArg> operands = split.operands;
  if (spec.empty()) {
    if (operands.empty()) {
      return refused("file-op-option", tool + " without arguments");
    }
    spec = operands.front().text;
    operands.erase(operands.begin());
  }
  if (operands.empty()) {
    return refused("file-op-option", tool + " without a path");
  }
  if (tool == "chmod" && !valid_mode(spec)) {
    return refused("file-op-option", "chmod mode '" + spec + "' is not understood");
  }
  std::vector<std::string> paths;
  for (const LiteralArg& operand : operands) {
    if (operand.glob) {
      return refused("file-op-glob", tool + " of a pattern (" + operand.text + ")");
    }
    const std::string absolute = absolute_path(operand.text, context.cwd);
    if (absolute.empty()) {
      return refused("unknown-cwd", tool + " of a relative path after a cd the planner cannot follow");
    }
    paths.push_back(absolute);
  }
  FileOpResult result;
  result.recognized = true;
  if (tool == "chmod") {
    result.ops.push_back(Chmod{paths, spec, recursive, {}});
  } else {
    result.ops.push_back(Chown{paths, spec, recursive, {}});
  }
  return result;
}

FileOpResult read_rm(const std::vector<LiteralArg>& args, const FileOpContext& context) {
  const Split split = split_options(args);
  std::vector<std::string> longs;
  const std::string letters = short_letters(split.options, longs);
  bool recursive = false, force = false;
  for (char c : letters) {
    switch (c) {
    case 'r': case 'R': recursive = true; break;
    case 'f': force = true; break;
    case 'v': break;
    default: return refused("file-op-option", std::string("rm -") + c + " is not modelled");
    }
  }
  for (const std::string& name : longs) {
    if (name == "recursive") recursive = true;
    else if (name == "force") force = true;
    else if (name != "verbose") return refused("file-op-option", "rm --" + name + " is not modelled");
  }
  if (split.operands.empty()) {
    return refused("file-op-option", "rm without a path");
  }
  FileOpResult result;
  result.recognized = true;
  for (const LiteralArg& operand : split.operands) {
    const std::string absolute = absolute_path(operand.text, context.cwd);
    if (absolute.empty()) {
      return refused("unknown-cwd", "rm of a relative path after a cd the planner cannot follow");
    }
    const bool cache = is_apt_cache_path(absolute);
    if (operand.glob && !cache) {
      const std::string_view head = std::string_view(absolute).substr(0, absolute.size() - 2);
      if (!absolute.ends_with("/*") || head.find_first_of("*?[") != std::string_view::npos) {
        return refused("file-op-glob", "rm of a pattern (" + operand.text + ")");
      }
    }
    if (absolute == "/" || absolute == "/*" || absolute.starts_with("/proc") || absolute.starts_with("/sys") ||
        absolute.starts_with("/dev")) {
      return refused("file-op-option", "rm of " + absolute);
    }
    Remove op;
    op.path = absolute;
    op.recursive = recursive;
    op.force = force;
    op.cache_cleanup = cache;
    result.ops.push_back(std::move(op));
  }
  return result;
}

// echo/printf: a file write when stdout goes to one file, a no-op when it goes nowhere.
FileOpResult read_write(const std::string& tool, const shell::SimpleCommand& command,
                        const std::vector<LiteralArg>& args, const FileOpContext& context) {
  const shell::Redirect* out = nullptr;
  for (const shell::Redirect& redirect : command.redirects) {
    if (redirect.op == ">&" && redirect.target.literal() && redirect.target.value() == "1" && redirect.target_fd() == 2) {
      continue; // 2>&1
    }
    if (redirect.target_fd() == 2 && redirect.target.literal() && redirect.target.value() == "/dev/null") {
      continue;
    }
    if ((redirect.op == ">" || redirect.op == ">>" || redirect.op == ">|") && redirect.target_fd() == 1 && !out) {
      out = &redirect;
      continue;
    }
    return refused("file-op-redirect", tool + " with redirection " + redirect.op + redirect.target.text);
  }
  std::string content;
  if (tool == "echo") {
    std::size_t first = 0;
    bool newline = true;
    while (first < args.size() && !args[first].quoted && args[first].text.size() > 1 &&
           args[first].text.front() == '-') {
      if (args[first].text == "-n") {
        newline = false;
        ++first;
      } else {
        return refused("echo-option", "echo " + args[first].text + " differs between shells");
      }
    }
    for (std::size_t i = first; i < args.size(); ++i) {
      if (args[i].glob) {
        return refused("file-op-glob", "echo of a pattern (" + args[i].text + ")");
      }
      if (args[i].text.find('\\') != std::string::npos) {
        return refused("echo-backslash", "echo with a backslash differs between shells");
      }
      content += (i > first ? " " : "") + args[i].text;
    }
    if (newline) {
      content += "\n";
    }
  } else {
    if (args.empty()) {
      return refused("file-op-option", "printf without a format");
    }
    std::vector<std::string> values;
    for (std::size_t i = 1; i < args.size(); ++i) {
      if (args[i].glob) {
        return refused("file-op-glob", "printf of a pattern (" + args[i].text + ")");
      }
      values.push_back(args[i].text);
    }
    auto formatted = format_printf(args[0].text, values);
    if (!formatted) {
      return refused("printf-format", "printf " + formatted.error().message);
    }
    content = std::move(*formatted);
  }
  FileOpResult result;
  result.recognized = true;
  if (!out) {
    result.no_op = true; // output to the build log only
    return result;
  }
  if (!out->target.literal() && !out->target.has_parameter()) {
    return refused("file-op-redirect", tool + " into '" + out->target.text + "'");
  }
  static const shell::Environment k_none;
  auto target = shell::expand_word(out->target, context.environment ? *context.environment : k_none);
  if (!target || out->target.has_glob() || out->target.has_tilde()) {
    return refused("variable-path", tool + " into '" + out->target.text + "' " + (target ? "" : target.error().message));
  }
  if (*target == "/dev/null") {
    result.no_op = true;
    return result;
  }
  if (target->starts_with("/dev/") || target->starts_with("/proc/")) {
    return refused("file-op-redirect", tool + " into " + *target);
  }
  const std::string path = absolute_path(*target, context.cwd);
  if (path.empty()) {
    return refused("unknown-cwd", tool + " into a relative path after a cd the planner cannot follow");
  }
  WriteFile op;
  op.path = path;
  op.content = std::move(content);
  op.append = out->op == ">>";
  result.ops.push_back(std::move(op));
  return result;
}

} // namespace

std::string absolute_path(const std::string& path, const std::string& cwd) {
  std::string joined;
  if (path.starts_with("/")) {
    joined = path;
  } else if (cwd.empty()) {
    return {};
  } else {
    joined = join_path(cwd, path);
  }
  // Collapse "//" and "/./"; ".." stays (symlinks make it more than text).
  std::string result;
  for (std::size_t i = 0; i < joined.size(); ++i) {
    if (joined[i] == '/' && !result.empty() && result.back() == '/') {
      continue;
    }
    if (joined[i] == '.' && !result.empty() && result.back() == '/' &&
        (i + 1 == joined.size() || joined[i + 1] == '/')) {
      ++i;
      continue;
    }
    result.push_back(joined[i]);
  }
  if (result.size() > 1 && result.back() == '/' && !path.ends_with("/")) {
    result.pop_back();
  }
  return result;
}

FileOpResult read_file_op(const shell::SimpleCommand& command, const FileOpContext& context) {
  if (command.words.empty() || !command.words[0].literal()) {
    return {};
  }
  const std::string tool = command.words[0].value();
  static const std::vector<std::string> k_tools = {"mkdir", "ln",      "chmod",    "chown",   "rm",
                                                   "echo",  "printf",  "useradd",  "groupadd", "adduser",
                                                   "addgroup"};
  if (std::ranges::find(k_tools, tool) == k_tools.end()) {
    return {};
  }
  if (!command.assignments.empty()) {
    return refused("file-op-env", tool + " with an environment prefix");
  }
  if (tool != "echo" && tool != "printf") {
    for (const shell::Redirect& redirect : command.redirects) {
      const bool to_null = redirect.target.literal() && redirect.target.value() == "/dev/null";
      const bool dup = redirect.op == ">&" && redirect.target.literal();
      if (!(to_null || dup) || redirect.op.front() == '<') {
        return refused("file-op-redirect", tool + " with redirection " + redirect.op + redirect.target.text);
      }
    }
  }
  const LiteralArgs args = literal_args(command, 1, context.environment);
  if (!args.error.empty()) {
    const bool substitution = std::ranges::any_of(command.words, [](const shell::Word& w) { return w.has_substitution(); });
    return refused(substitution ? "substitution-in-file-op" : "variable-in-file-op", tool + " argument " + args.error);
  }
  if (!context.root && tool != "echo" && tool != "printf") {
    return refused("non-root-user", tool + " runs as a non-root user");
  }
  if (tool == "mkdir") return read_mkdir(args.args, context);
  if (tool == "ln") return read_ln(args.args, context);
  if (tool == "chmod" || tool == "chown") return read_chmod_chown(tool, args.args, context);
  if (tool == "rm") return read_rm(args.args, context);
  if (tool == "echo" || tool == "printf") {
    FileOpResult result = read_write(tool, command, args.args, context);
    if (!context.root && !result.no_op && result.refusal.empty()) {
      return refused("non-root-user", tool + " runs as a non-root user");
    }
    return result;
  }
  return read_user_op(tool, args.args);
}

} // namespace distill::planner::rewrite
