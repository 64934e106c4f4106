// Downloads and clones whose result is not fixed by the Dockerfile:
// download-no-checksum (curl/wget without a checksum or signature check in
// the same RUN) and git-clone-unpinned (git clone of a moving branch).

#include "planner/lint/run_view.hpp"
#include "planner/run_script.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

namespace distill::planner::lint {
namespace {

bool dynamic(std::string_view value) { return value.find('$') != std::string_view::npos; }

bool checksum_tool(std::string_view name) {
  static constexpr std::array<std::string_view, 9> k_tools = {"sha1sum",   "sha224sum", "sha256sum", "sha384sum",
                                                              "sha512sum", "md5sum",    "b2sum",     "shasum",
                                                              "cksum"};
  return std::ranges::find(k_tools, name) != k_tools.end();
}

bool has_value(const ShellArgs& args, std::initializer_list<std::string_view> options) {
  for (std::size_t i = args.first + 1; i < args.values.size(); ++i) {
    if (std::ranges::find(options, args.values[i]) != options.end()) return true;
  }
  return false;
}

// A command that verifies what was downloaded: a checksum compared (`sha256sum
// -c`, or its output compared in a pipe or $(...)) or a signature checked.
bool verifies(const RunCommandView& command) {
  const ShellArgs& args = command.args;
  const std::string_view name = args.name();
  if (checksum_tool(name)) {
    return has_value(args, {"-c", "--check", "--strict"}) || command.flat().in_substitution ||
           command.flat().in_pipeline;
  }
  if (name == "gpgv" || name == "minisign" || name == "signify") return true;
  if (name == "gpg" || name == "gpg2") return has_value(args, {"--verify"});
  if (name == "cosign") return subcommand(args).starts_with("verify");
  if (name == "openssl") return has_value(args, {"-verify"});
  return false;
}

// The URL a curl/wget command fetches, or empty when it fetches nothing
// (a HEAD request, a spider run) or names no URL the file can show.
std::string_view fetched_url(const ShellArgs& args) {
  const std::string_view name = args.name();
  if (name != "curl" && name != "wget") return {};
  if (has_value(args, {"-I", "--head", "--spider"})) return {};
  for (std::size_t i = args.first + 1; i < args.values.size(); ++i) {
    const std::string_view value = args.values[i];
    if (value.starts_with('-')) continue;
    if (value.find("://") != std::string_view::npos) return value;
    // `curl -fsSLO "$NODE_URL"`: the variable's name says what it holds.
    if (dynamic(value) && value.find("URL") != std::string_view::npos) return value;
  }
  return {};
}

// True when the command's output goes straight into a shell (pipe-to-shell reports that).
bool piped_to_shell(const RunCommandView& command, const std::vector<RunCommandView>& commands, std::size_t at) {
  for (std::size_t j = at + 1; j < commands.size(); ++j) {
    const RunCommandView& next = commands[j];
    if (next.piece != command.piece || next.flat().depth != command.flat().depth) continue;
    return next.flat().before == shell::Connector::pipe && is_shell_name(next.args.name());
  }
  return false;
}

void check_downloads(const LintContext& context, const RunView& view) {
  if (std::ranges::any_of(view.commands, verifies)) return;
  for (std::size_t i = 0; i < view.commands.size(); ++i) {
    const RunCommandView& command = view.commands[i];
    const std::string_view url = fetched_url(command.args);
    if (url.empty() || piped_to_shell(command, view.commands, i)) continue;
    context.report("download-no-checksum", command.where(),
                   fmt::format("{} downloads {} and nothing in this RUN checks its checksum or signature",
                               command.args.name(), url));
  }
}

// The index of git's subcommand word, past global options (`git -C dir clone`).
std::size_t git_subcommand(const ShellArgs& args) {
  if (args.name() != "git") return args.values.size();
  for (std::size_t i = args.first + 1; i < args.values.size(); ++i) {
    const std::string& value = args.values[i];
    if (value == "-C" || value == "-c" || value == "--git-dir" || value == "--work-tree") {
      ++i;
    } else if (!value.starts_with('-')) {
      return i;
    }
  }
  return args.values.size();
}

bool hex_commit(std::string_view value) {
  return value.size() >= 7 && value.size() <= 64 &&
         std::ranges::all_of(value, [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

// A ref that names a fixed point: a commit id, a version-like tag (it holds a
// digit: v1.2.3, 2024.01) or a variable set by ARG. Branch names such as main
// or develop move; a tag can be moved too, but by convention it is not.
bool fixed_ref(std::string_view ref) {
  return hex_commit(ref) || dynamic(ref) ||
         std::ranges::any_of(ref, [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

// True when the clone itself names a fixed ref (--branch v1.2, --revision=<sha>).
bool clone_pinned(const ShellArgs& args, std::size_t sub) {
  for (std::size_t i = sub + 1; i < args.values.size(); ++i) {
    const std::string_view value = args.values[i];
    for (std::string_view option : {"--branch", "-b", "--revision"}) {
      if (value == option && i + 1 < args.values.size()) return fixed_ref(args.values[i + 1]);
      if (value.starts_with(option) && value.size() > option.size() && value[option.size()] == '=') {
        return fixed_ref(value.substr(option.size() + 1));
      }
    }
  }
  return false;
}

// True when a later git command moves the clone to a fixed ref
// (`git checkout <sha>`, `git reset --hard v1.2`, `git fetch origin <sha>`).
bool pinned_later(const std::vector<RunCommandView>& commands, std::size_t after) {
  for (std::size_t j = after + 1; j < commands.size(); ++j) {
    const ShellArgs& args = commands[j].args;
    const std::size_t sub = git_subcommand(args);
    if (sub >= args.values.size()) continue;
    const std::string_view verb = args.values[sub];
    if (verb != "checkout" && verb != "reset" && verb != "switch" && verb != "fetch") continue;
    for (std::size_t i = sub + 1; i < args.values.size(); ++i) {
      if (!args.values[i].starts_with('-') && fixed_ref(args.values[i])) return true;
    }
  }
  return false;
}

void check_clones(const LintContext& context, const RunView& view) {
  for (std::size_t i = 0; i < view.commands.size(); ++i) {
    const ShellArgs& args = view.commands[i].args;
    const std::size_t sub = git_subcommand(args);
    if (sub >= args.values.size() || args.values[sub] != "clone") continue;
    if (clone_pinned(args, sub) || pinned_later(view.commands, i)) continue;
    context.report("git-clone-unpinned", view.commands[i].where());
  }
}

} // namespace

void check_fetches(const LintContext& context, const RunView& view) {
  check_downloads(context, view);
  check_clones(context, view);
}

} // namespace distill::planner::lint
