#include "planner/lint/shell_args.hpp"

#include "planner/shell/walk.hpp"
#include "planner/shell/wrappers.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>

namespace distill::planner::lint {
namespace {

bool dynamic(std::string_view value) { return value.find('$') != std::string_view::npos || value.find('`') != std::string_view::npos; }

template <std::size_t N> bool one_of(std::string_view value, const std::array<std::string_view, N>& list) {
  return std::ranges::find(list, value) != list.end();
}

// Index of the first word after `subcommand` words (one of `names`), or npos.
std::size_t after_subcommand(const ShellArgs& args, std::size_t from, std::initializer_list<std::string_view> names) {
  for (std::size_t i = from; i < args.values.size(); ++i) {
    const std::string& value = args.values[i];
    if (value.starts_with('-')) continue;
    return std::ranges::find(names, value) != names.end() ? i + 1 : std::string::npos;
  }
  return std::string::npos;
}

std::string_view base_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool local_or_file(std::string_view value) {
  return value.starts_with('.') || value.starts_with('/') || value.starts_with('~') ||
         value.find("://") != std::string_view::npos || value.ends_with(".whl") || value.ends_with(".tar.gz") ||
         value.ends_with(".zip") || value.ends_with(".tgz") || value.ends_with(".apk");
}

} // namespace

std::string_view ShellArgs::name() const {
  return first < values.size() ? base_name(values[first]) : std::string_view();
}

ShellArgs read_args(const shell::SimpleCommand& command) {
  ShellArgs args;
  for (const shell::Word& word : command.words) {
    args.words.push_back(&word);
    args.values.push_back(word.literal() ? word.value() : word.text);
  }
  // Skip wrappers and their options (`sudo -E`, `env A=b`, `nice -n 5`), as the apt rewrite does.
  const shell::CommandStart start = shell::command_start(command.words);
  args.first = start.index;
  for (std::size_t wrapper : start.wrappers) {
    if (args.sudo_word == nullptr && base_name(args.values[wrapper]) == "sudo") args.sudo_word = args.words[wrapper];
  }
  return args;
}

std::vector<ShellArgs> substituted_commands(const shell::Word& word) {
  std::vector<ShellArgs> out;
  for (const shell::WordPart& part : word.parts) {
    if (!part.inner) continue;
    for (const shell::FlatCommand& flat : shell::flatten(*part.inner)) out.push_back(read_args(*flat.command));
  }
  return out;
}

std::vector<std::size_t> unpinned_pip(const ShellArgs& args) {
  std::size_t i = args.first;
  const std::string_view name = args.name();
  if (name.starts_with("python")) {
    // python -m pip install ...
    if (i + 2 >= args.values.size() || args.values[i + 1] != "-m" || !args.values[i + 2].starts_with("pip")) return {};
    i += 3;
  } else if (name.starts_with("pip") && (name.size() == 3 || std::isdigit(static_cast<unsigned char>(name[3])))) {
    ++i;
  } else {
    return {};
  }
  i = after_subcommand(args, i, {"install"});
  if (i == std::string::npos) return {};
  static constexpr std::array<std::string_view, 22> k_valued = {
      "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url",
      "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--platform", "--python-version",
      "--implementation", "--abi", "--src", "--trusted-host", "--cache-dir"};
  std::vector<std::size_t> out;
  for (; i < args.values.size(); ++i) {
    const std::string& value = args.values[i];
    if (one_of(value, k_valued)) {
      ++i;
      continue;
    }
    if (value.starts_with('-') || dynamic(value) || local_or_file(value)) continue;
    if (value.find_first_of("=<>!~@") != std::string::npos) continue;
    if (value.starts_with("git+") || value == "pip" || value == "setuptools" || value == "wheel") {
      // Upgrading pip's own tooling is common and harmless enough; hadolint reports it, we do not.
      continue;
    }
    out.push_back(i);
  }
  return out;
}

std::vector<std::size_t> unpinned_apk(const ShellArgs& args) {
  if (args.name() != "apk") return {};
  std::size_t i = after_subcommand(args, args.first + 1, {"add"});
  if (i == std::string::npos) return {};
  static constexpr std::array<std::string_view, 6> k_valued = {"-t", "--virtual", "-X", "--repository", "-p", "--root"};
  std::vector<std::size_t> out;
  for (; i < args.values.size(); ++i) {
    const std::string& value = args.values[i];
    if (one_of(value, k_valued)) {
      ++i;
      continue;
    }
    if (value.starts_with('-') || dynamic(value) || local_or_file(value)) continue;
    if (value.find_first_of("=~<>") != std::string::npos) continue;
    out.push_back(i);
  }
  return out;
}

std::vector<std::size_t> unpinned_go(const ShellArgs& args) {
  if (args.name() != "go") return {};
  std::size_t i = after_subcommand(args, args.first + 1, {"install", "get", "run"});
  if (i == std::string::npos) return {};
  std::vector<std::size_t> out;
  for (; i < args.values.size(); ++i) {
    const std::string& value = args.values[i];
    if (value.starts_with('-') || dynamic(value) || value.starts_with('.') || value.starts_with('/') ||
        value.ends_with(".go")) {
      continue;
    }
    // Only module paths (a host with a dot) name something fetched from the network.
    const std::string_view host = std::string_view(value).substr(0, value.find('/'));
    if (host.find('.') == std::string_view::npos) continue;
    const std::size_t at = value.rfind('@');
    if (at == std::string::npos || value.substr(at + 1) == "latest" || value.substr(at + 1) == "none") out.push_back(i);
  }
  return out;
}

NpmUse read_npm(const ShellArgs& args) {
  NpmUse use;
  if (args.name() != "npm") return use;
  std::size_t i = after_subcommand(args, args.first + 1, {"install", "i", "add", "isntall", "in"});
  if (i == std::string::npos) return use;
  bool any_package = false;
  for (; i < args.values.size(); ++i) {
    const std::string& value = args.values[i];
    if (value == "--prefix" || value == "--registry" || value == "--cache") {
      ++i;
      continue;
    }
    if (value.starts_with('-')) continue;
    any_package = true;
    if (dynamic(value) || local_or_file(value) || value.find('#') != std::string::npos ||
        value.starts_with("git") || value.find(':') != std::string::npos) {
      continue;
    }
    if (value.find('@', 1) == std::string::npos) use.unpinned.push_back(i);
  }
  use.bare_install = !any_package;
  return use;
}

} // namespace distill::planner::lint
