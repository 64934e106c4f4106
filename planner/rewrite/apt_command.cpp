#include "planner/rewrite/apt_command.hpp"

#include "planner/rewrite/apt_options.hpp"
#include "planner/shell/wrappers.hpp"

#include <algorithm>
#include <cctype>

namespace distill::planner::rewrite {
namespace {

std::string_view base_name(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The index of the real command word after wrappers such as `sudo`, `env`
// and `nice` (planner/shell/wrappers.hpp: the lint rules skip the same ones).
std::size_t command_index(const std::vector<shell::Word>& words) { return shell::command_start(words).index; }

// A word after expansion: its fields, or why it could not be expanded.
struct Arg {
  std::vector<std::string> fields;
  std::string error;
  const shell::Word* word = nullptr;
};

std::vector<Arg> expand_args(const std::vector<shell::Word>& words, std::size_t from, const AptContext& context) {
  shell::Environment from_values;
  if (!context.environment && context.variables) from_values.values = *context.variables;
  const shell::Environment& environment = context.environment ? *context.environment : from_values;
  std::vector<Arg> args;
  for (std::size_t i = from; i < words.size(); ++i) {
    Arg arg;
    arg.word = &words[i];
    if (auto fields = shell::expand_fields(words[i], environment)) {
      arg.fields = std::move(*fields);
    } else {
      arg.error = fields.error().message;
    }
    args.push_back(std::move(arg));
  }
  return args;
}

void refuse(AptCommand& command, std::string cause, std::string reason) {
  if (command.refusal.empty()) {
    command.cause = std::move(cause);
    command.refusal = std::move(reason);
  }
}

bool is_pattern(std::string_view text) {
  return text.find_first_of("*?[]^$|") != std::string_view::npos;
}

// A package word that reads variables only the base image's Env sets: plain
// $NAME / ${NAME} only (an operator such as ${NAME:-x} or a pattern could not
// be expanded at lock time exactly as the shell would), and the word must be
// able to name packages (checked with a stand-in value).
std::optional<BaseEnvWord> base_env_word(const shell::Word& word, const shell::Environment& environment) {
  if (!environment.base_image || word.has_glob() || word.has_tilde()) return std::nullopt;
  BaseEnvWord out;
  out.word = word.text;
  shell::Environment probe;
  for (const shell::WordPart& part : word.parts) {
    if (part.kind == shell::WordPart::Kind::literal) continue;
    if (part.kind != shell::WordPart::Kind::parameter || !part.modifier.empty()) return std::nullopt;
    const auto known = environment.values.find(part.text);
    const bool seen = probe.values.contains(part.text);
    if (known != environment.values.end()) {
      if (!seen) out.values.emplace_back(part.text, known->second);
      probe.values[part.text] = known->second;
    } else if (shell::from_base_image(part.text, environment)) {
      if (!seen) out.names.push_back(part.text);
      probe.values[part.text] = "x0";
    } else {
      return std::nullopt;
    }
  }
  auto fields = shell::expand_fields(word, probe);
  if (out.names.empty() || !fields) return std::nullopt;
  for (const std::string& field : *fields) {
    if (!install_request(field, word)) return std::nullopt;
  }
  return out;
}

// The package arguments of install.
void read_install_args(AptCommand& command, const std::vector<Arg>& operands, const AptContext& context) {
  for (const Arg& arg : operands) {
    if (!arg.error.empty()) {
      if (context.environment) {
        if (auto word = base_env_word(*arg.word, *context.environment)) {
          std::string names;
          for (const std::string& name : word->names) names += (names.empty() ? "$" : ", $") + name;
          command.findings.push_back("package word '" + word->word + "' reads " + names +
                                     " from the base image's environment: distill lock expands it from the "
                                     "pulled image's config");
          PackageRequest request;
          request.from_base_env = std::move(*word);
          command.packages.push_back(std::move(request));
          continue;
        }
      }
      const bool substitution = arg.word->has_substitution();
      refuse(command, substitution ? "substitution-package-list" : "variable-package-list",
             "package list " + arg.error);
      return;
    }
    for (const std::string& field : arg.fields) {
      auto request = install_request(field, *arg.word);
      if (!request) {
        refuse(command, request.error().cause, request.error().reason);
        return;
      }
      command.packages.push_back(std::move(*request));
    }
  }
}

// Names for remove/purge/apt-mark.
void read_names(AptCommand& command, const std::vector<Arg>& operands, const AptContext& context,
                bool patterns_allowed) {
  for (const Arg& arg : operands) {
    const shell::Word& word = *arg.word;
    if (command.action == AptAction::mark && command.subcommand == "manual" && word.parts.size() == 1 &&
        word.parts[0].kind == shell::WordPart::Kind::parameter && word.parts[0].modifier.empty() &&
        std::ranges::find(context.saved_manual, word.parts[0].text) != context.saved_manual.end()) {
      command.restore_manual = word.parts[0].text;
      continue;
    }
    if (!arg.error.empty()) {
      refuse(command, word.has_substitution() ? "substitution-package-list" : "variable-package-list",
             "package list " + arg.error);
      return;
    }
    for (const std::string& field : arg.fields) {
      if (!patterns_allowed && (is_pattern(field) || word.has_glob())) {
        refuse(command, "package-pattern", "package pattern '" + field + "'");
        return;
      }
      if (patterns_allowed || parse_package_request(field)) {
        std::string name = field;
        if (!patterns_allowed) {
          name = parse_package_request(field)->name;
          if (const auto colon = field.find(':'); colon != std::string::npos && field.find('=') == std::string::npos) {
            name = field; // keep name:arch for removals
          }
        }
        command.names.push_back(std::move(name));
      } else {
        refuse(command, "bad-package-name", "'" + field + "' is not a package name");
        return;
      }
    }
  }
}

AptCommand read_apt_get(AptCommand command, const std::vector<Arg>& args, const AptContext& context) {
  std::vector<Arg> operands;
  AptOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const Arg& arg = args[i];
    const bool option_like = !arg.word->text.empty() && arg.word->text.front() == '-';
    if (option_like) {
      if (!arg.error.empty() || arg.fields.size() != 1) {
        refuse(command, "dynamic-option", "option " + arg.word->text + " " + arg.error);
        continue;
      }
      const std::string next = i + 1 < args.size() && args[i + 1].fields.size() == 1 ? args[i + 1].fields[0] : "";
      const int used = read_apt_option(arg.fields[0], next, options);
      i += static_cast<std::size_t>(std::max(used - 1, 0));
      continue;
    }
    if (command.subcommand.empty()) {
      if (!arg.error.empty() || arg.fields.size() != 1) {
        refuse(command, "dynamic-subcommand", "the apt subcommand " + arg.error);
        return command;
      }
      command.subcommand = arg.fields[0];
      continue;
    }
    operands.push_back(arg);
  }
  if (!options.refusal.empty()) {
    refuse(command, options.cause, options.refusal);
  }
  command.recommends = options.recommends;
  command.default_release = options.default_release;
  command.autoremove_keeps_recommends = options.autoremove_keeps_recommends;
  const std::string& sub = command.subcommand;
  if (sub == "update") {
    command.action = AptAction::update;
  } else if (sub == "install" || sub == "reinstall") {
    command.action = AptAction::install;
    command.needs_lists = true;
    command.auto_remove = options.auto_remove;
    if (sub == "reinstall" || options.reinstall) {
      refuse(command, "reinstall", command.tool + " --reinstall of packages the image already has");
    }
    read_install_args(command, operands, context);
    if (!operands.empty() && command.packages.empty() && command.refusal.empty()) {
      command.findings.push_back(command.tool + " install gets no package names: its list expands to nothing");
    }
    if (operands.empty()) {
      refuse(command, "fix-broken", command.tool + " install without packages repairs what an earlier command left");
    }
  } else if (sub == "upgrade" || sub == "dist-upgrade" || sub == "full-upgrade") {
    command.action = AptAction::upgrade;
    command.needs_lists = true;
    command.upgrade = sub == "upgrade" ? "upgrade" : "dist-upgrade";
    command.findings.push_back(command.tool + " " + sub +
                               " makes the image depend on the day it is built; distill takes the versions of the "
                               "locked snapshot");
    if (!operands.empty()) {
      refuse(command, "upgrade-packages", command.tool + " " + sub + " with package names");
    }
  } else if (sub == "remove" || sub == "purge") {
    command.action = (sub == "purge" || options.purge) ? AptAction::purge : AptAction::remove;
    command.auto_remove = options.auto_remove;
    read_names(command, operands, context, false);
  } else if (sub == "autoremove" || sub == "autopurge") {
    command.action = AptAction::autoremove;
    command.auto_remove = true;
    if (!operands.empty()) {
      command.action = (sub == "autopurge" || options.purge) ? AptAction::purge : AptAction::remove;
      read_names(command, operands, context, false);
    }
  } else if (sub == "clean" || sub == "autoclean" || sub == "auto-clean" || sub == "distclean" ||
             sub == "dist-clean") {
    command.action = AptAction::clean;
    command.cleaned_paths = {"/var/cache/apt/archives/*.deb", "/var/cache/apt/archives/partial/*",
                             "/var/cache/apt/*.bin"};
    if (sub == "distclean" || sub == "dist-clean") {
      command.cleaned_paths.push_back("/var/lib/apt/lists/*");
    }
  } else if (sub == "list" || sub == "search" || sub == "show" || sub == "policy" || sub == "showsrc" ||
             sub == "depends" || sub == "rdepends" || sub == "madison" || sub == "check") {
    command.action = AptAction::query;
    command.needs_lists = true;
  } else if (sub.empty()) {
    command.action = AptAction::other;
    refuse(command, "apt-other", command.tool + " without a subcommand");
  } else {
    command.action = AptAction::other;
    command.needs_lists = true;
    refuse(command, "apt-other", command.tool + " " + sub + " has no declarative form");
  }
  return command;
}

AptCommand read_apt_mark(AptCommand command, const std::vector<Arg>& args, const AptContext& context) {
  std::vector<Arg> operands;
  for (const Arg& arg : args) {
    if (!arg.word->text.empty() && arg.word->text.front() == '-') {
      continue; // -q, --verbose, ... do not change what is marked
    }
    if (command.subcommand.empty()) {
      command.subcommand = arg.fields.size() == 1 ? arg.fields[0] : arg.word->text;
      continue;
    }
    operands.push_back(arg);
  }
  const std::string& sub = command.subcommand;
  if (sub == "auto" || sub == "manual" || sub == "markauto" || sub == "unmarkauto") {
    command.action = AptAction::mark;
    command.subcommand = (sub == "auto" || sub == "markauto") ? "auto" : "manual";
    read_names(command, operands, context, true);
    if (operands.empty()) {
      refuse(command, "apt-mark-stdin", "apt-mark " + sub + " without names reads them from its input");
    }
  } else if (sub.starts_with("show")) {
    command.action = AptAction::query;
  } else {
    command.action = AptAction::other;
    refuse(command, "apt-mark-other", "apt-mark " + sub + " has no declarative form");
  }
  return command;
}

} // namespace

bool changes_apt_sources(std::string_view path, const std::string* content) {
  const auto under = [&](std::string_view root) {
    return path == root || (path.starts_with(root) && (path[root.size()] == '/' || path[root.size()] == '.'));
  };
  if (path == "/etc/apt" || path == "/etc/apt/" || under("/etc/apt/sources.list") || under("/etc/apt/trusted.gpg") ||
      under("/etc/apt/keyrings") || under("/usr/share/keyrings") || under("/etc/apt/preferences") ||
      under("/etc/apt/auth.conf")) {
    return true;
  }
  if (under("/etc/apt/apt.conf")) {
    if (!content) return true;
    for (std::string_view key : {"Install-Recommends", "Install-Suggests", "Default-Release", "AllowUnauthenticated",
                                 "AllowInsecure", "Architecture", "Never-MarkAuto", "Get::"}) {
      if (content->find(key) != std::string::npos) return true;
    }
  }
  return false;
}

bool mentions_apt_sources(std::string_view text) {
  std::string stripped(text);
  for (std::string_view official : {"add-apt-repository universe", "add-apt-repository multiverse",
                                    "add-apt-repository restricted", "add-apt-repository -y universe"}) {
    for (auto at = stripped.find(official); at != std::string::npos; at = stripped.find(official)) {
      stripped.erase(at, official.size());
    }
  }
  text = stripped;
  for (std::string_view needle : {"sources.list", "/etc/apt/keyrings", "/usr/share/keyrings", "trusted.gpg",
                                  "/etc/apt/preferences", "/etc/apt/auth.conf", "add-apt-repository",
                                  "apt-add-repository", "apt-key", "--add-architecture", "Install-Recommends",
                                  "Default-Release"}) {
    if (text.find(needle) != std::string_view::npos) return true;
  }
  return false;
}

bool is_apt_cache_path(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') {
    path.remove_suffix(1);
  }
  for (std::string_view root : {"/var/lib/apt/lists", "/var/cache/apt"}) {
    if (path == root || (path.starts_with(root) && path[root.size()] == '/')) {
      return path.find("..") == std::string_view::npos;
    }
  }
  return false;
}

std::expected<PackageRequest, PackageRefusal> install_request(const std::string& field, const shell::Word& word) {
  // apt matches `name=1.2*` against versions; a glob anywhere else names several packages.
  const auto equals = field.find('=');
  const std::string_view head = std::string_view(field).substr(0, equals);
  if (word.has_glob() && (equals == std::string::npos || is_pattern(head))) {
    return std::unexpected(PackageRefusal{"package-pattern", "package pattern '" + word.text + "'"});
  }
  if (field.ends_with(".deb") || field.starts_with("/") || field.starts_with("./") || field.starts_with("../")) {
    return std::unexpected(PackageRefusal{"local-deb", "installs a local package file (" + field + ")"});
  }
  if (is_pattern(head)) {
    return std::unexpected(PackageRefusal{"package-pattern", "package pattern '" + field + "'"});
  }
  if (field.ends_with("-")) {
    return std::unexpected(PackageRefusal{"remove-by-install", "'" + field + "' asks install to remove a package"});
  }
  auto request = parse_package_request(field);
  if (!request) {
    return std::unexpected(PackageRefusal{"bad-package-name", "'" + field + "' is not a package name"});
  }
  return std::move(*request);
}

std::optional<PackageRequest> parse_package_request(std::string_view text) {
  PackageRequest request;
  std::string_view rest = text;
  if (const auto equals = rest.find('='); equals != std::string_view::npos) {
    request.version = std::string(rest.substr(equals + 1));
    rest = rest.substr(0, equals);
    if (request.version.empty()) {
      return std::nullopt;
    }
  }
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    request.suite = std::string(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
    if (request.suite.empty()) {
      return std::nullopt;
    }
  }
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    request.arch = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (request.arch.empty()) {
      return std::nullopt;
    }
  }
  if (rest.size() < 2 || !std::isalnum(static_cast<unsigned char>(rest[0]))) {
    return std::nullopt;
  }
  for (char c : rest) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '+' ||
          c == '-' || c == '.')) {
      return std::nullopt;
    }
  }
  for (char c : request.version) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '-' || c == '~' || c == ':' ||
          c == '*')) {
      return std::nullopt;
    }
  }
  request.name = std::string(rest);
  return request;
}

AptCommand read_apt_command(const shell::SimpleCommand& simple, const AptContext& context) {
  AptCommand command;
  const std::size_t at = command_index(simple.words);
  if (at >= simple.words.size()) {
    // NAME="$(apt-mark showmanual)": recording the manual set.
    if (simple.words.empty() && simple.assignments.size() == 1) {
      const shell::Assignment& assignment = simple.assignments.front();
      const auto& parts = assignment.value.parts;
      if (parts.size() == 1 && parts[0].kind == shell::WordPart::Kind::command_substitution) {
        std::string inner = parts[0].text;
        std::erase_if(inner, [](char c) { return c == '\n'; });
        while (!inner.empty() && inner.front() == ' ') inner.erase(0, 1);
        while (!inner.empty() && inner.back() == ' ') inner.pop_back();
        if (inner == "apt-mark showmanual") {
          command.action = AptAction::save_manual;
          command.tool = "apt-mark";
          command.subcommand = "showmanual";
          command.save_manual = assignment.name;
        }
      }
    }
    return command;
  }
  const shell::Word& tool_word = simple.words[at];
  if (!tool_word.literal()) {
    return command;
  }
  const std::string tool(base_name(tool_word.value()));
  command.tool = tool;
  const std::vector<Arg> args = expand_args(simple.words, at + 1, context);
  if (tool == "apt-get" || tool == "apt") {
    return read_apt_get(std::move(command), args, context);
  }
  if (tool == "apt-mark") {
    return read_apt_mark(std::move(command), args, context);
  }
  if (tool == "apt-cache") {
    command.action = AptAction::query;
    command.needs_lists = true;
    return command;
  }
  if (tool == "aptitude") {
    command.action = AptAction::other;
    command.needs_lists = true;
    refuse(command, "aptitude", "aptitude has no declarative form; use apt-get install");
    return command;
  }
  if (tool == "add-apt-repository" || tool == "apt-add-repository") {
    // Enabling a component of Ubuntu's own archive, which official images already list.
    std::vector<std::string> operands;
    bool no_update = false;
    for (const Arg& arg : args) {
      for (const std::string& field : arg.fields) {
        if (field == "-n" || field == "--no-update") no_update = true;
        else if (field == "-y" || field == "--yes") continue;
        else operands.push_back(field);
      }
      if (!arg.error.empty()) operands.push_back(arg.word->text);
    }
    if (operands.size() == 1 && (operands[0] == "universe" || operands[0] == "multiverse" ||
                                 operands[0] == "restricted" || operands[0] == "main")) {
      command.action = no_update ? AptAction::query : AptAction::update;
      return command;
    }
  }
  if (tool == "apt-key" || tool == "add-apt-repository" || tool == "apt-add-repository") {
    command.action = AptAction::other;
    command.changes_sources = true;
    refuse(command, "apt-sources", tool + " changes apt's sources or keys");
    return command;
  }
  if (tool == "dpkg") {
    for (const Arg& arg : args) {
      for (const std::string& field : arg.fields) {
        if (field == "--add-architecture") {
          command.action = AptAction::other;
          command.changes_sources = true;
          refuse(command, "apt-sources", "dpkg --add-architecture adds a package architecture");
          return command;
        }
        if (field == "-i" || field == "--install" || field == "--unpack") {
          // A local package can bring its own apt sources (vendor-release packages do).
          command.action = AptAction::other;
          command.changes_sources = true;
          refuse(command, "dpkg-install", "dpkg " + field + " installs a local package file");
          return command;
        }
        if (field == "-r" || field == "-P" ||
            field == "--remove" || field == "--purge" || field == "--set-selections" || field == "--configure") {
          command.action = AptAction::other;
          refuse(command, "dpkg-install", "dpkg " + field + " has no declarative form");
          return command;
        }
      }
    }
    return command;
  }
  if (tool == "rm") {
    bool any = false;
    bool all = true;
    for (const Arg& arg : args) {
      if (!arg.word->text.empty() && arg.word->text.front() == '-') {
        continue;
      }
      all = all && arg.error.empty();
      for (const std::string& field : arg.fields) {
        if (is_apt_cache_path(field)) {
          any = true;
          command.cleaned_paths.push_back(field);
        } else {
          all = false;
        }
      }
    }
    if (any && all) {
      command.action = AptAction::clean;
    }
    return command;
  }
  return command;
}

bool mentions_apt_install(const shell::SimpleCommand& command) {
  bool apt = false;
  for (const shell::Word& word : command.words) {
    const std::string text = word.literal() ? word.value() : word.text;
    if (apt && (text == "install" || text == "reinstall")) {
      return true;
    }
    const std::string_view name = base_name(text);
    if (name == "apt-get" || name == "apt" || name == "aptitude") {
      apt = true;
    } else if (text.find("apt-get install") != std::string::npos || text.find("apt install") != std::string::npos ||
               text.find("apt-get -y install") != std::string::npos) {
      return true; // sh -c 'apt-get install ...'
    }
  }
  return false;
}

} // namespace distill::planner::rewrite
