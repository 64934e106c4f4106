#include "planner/lint/shell_args.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>

namespace distill::planner::lint {
namespace {

bool wrapper(std::string_view name) {
  return name == "sudo" || name == "env" || name == "eatmydata" || name == "nice" || name == "nohup" ||
         name == "time" || name == "command" || name == "exec";
}

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

bool local_or_file(std::string_view value) {
  return value.starts_with('.') || value.starts_with('/') || value.starts_with('~') ||
         value.find("://") != std::string_view::npos || value.ends_with(".whl") || value.ends_with(".tar.gz") ||
         value.ends_with(".zip") || value.ends_with(".tgz") || value.ends_with(".apk");
}

} // namespace

std::string_view ShellArgs::name() const {
  if (first >= values.size()) return {};
  std::string_view value = values[first];
  const std::size_t slash = value.rfind('/');
  return slash == std::string_view::npos ? value : value.substr(slash + 1);
}

ShellArgs read_args(const shell::SimpleCommand& command) {
  ShellArgs args;
  for (const shell::Word& word : command.words) {
    args.words.push_back(&word);
    args.values.push_back(word.literal() ? word.value() : word.text);
  }
  // Skip wrappers and their options (`sudo -E`, `env A=b`).
  while (args.first < args.values.size()) {
    const std::string_view name = args.name();
    if (!wrapper(name)) break;
    if (name == "sudo" && args.sudo_word == nullptr) args.sudo_word = args.words[args.first];
    const bool takes_value = name == "sudo";
    ++args.first;
    while (args.first < args.values.size()) {
      const std::string& value = args.values[args.first];
      if (takes_value && (value == "-u" || value == "-g")) {
        args.first += 2;
      } else if (value.starts_with('-') || (name == "env" && value.find('=') != std::string::npos)) {
        ++args.first;
      } else {
        break;
      }
    }
  }
  return args;
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
