// time-or-random-value: RUN commands whose result differs on every build and
// is kept in the image. A value only counts when it can reach the layer: the
// output of date/uuidgen/... written to a file, piped on or captured with
// $(...), $RANDOM anywhere, a mktemp file or folder the RUN does not remove.
// `date` alone only writes to the build log, and `date -d @$SOURCE_DATE_EPOCH`
// prints a fixed time, so neither is reported.

#include "planner/lint/run_view.hpp"

#include "planner/shell/reader.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace distill::planner::lint {
namespace {

bool has_arg(const ShellArgs& args, std::initializer_list<std::string_view> options) {
  for (std::size_t i = args.first + 1; i < args.values.size(); ++i) {
    const std::string_view value = args.values[i];
    for (std::string_view option : options) {
      if (value == option || (option.starts_with("--") && value.starts_with(option) && value.size() > option.size() &&
                              value[option.size()] == '=')) {
        return true;
      }
      // A short option joined to its value (-d@0), or after -u (-ud@0).
      if (option.size() == 2 && !option.starts_with("--") &&
          (value.starts_with(option) || value.starts_with(fmt::format("-u{}", option[1])))) {
        return true;
      }
    }
  }
  return false;
}

bool writes_stdout_to_file(const shell::SimpleCommand& command) {
  return std::ranges::any_of(command.redirects, [](const shell::Redirect& redirect) {
    return redirect.writes_file() && redirect.target_fd() == 1 && redirect.target.text != "/dev/null";
  });
}

// True when the command's output can end up in the image.
bool output_kept(const RunCommandView& command) {
  const shell::FlatCommand& flat = command.flat();
  return writes_stdout_to_file(command.command()) || flat.in_substitution || flat.in_pipeline;
}

bool reads_random_device(const ShellArgs& args, const shell::SimpleCommand& command) {
  const auto random = [](std::string_view path) {
    return path == "/dev/urandom" || path == "/dev/random" || path == "/proc/sys/kernel/random/uuid";
  };
  if (std::ranges::any_of(args.values, [&](const std::string& value) { return random(value); })) return true;
  return std::ranges::any_of(command.redirects, [&](const shell::Redirect& redirect) {
    return redirect.op == "<" && random(redirect.target.text);
  });
}

// What makes the command's output differ from build to build; empty when nothing does.
std::string unreproducible_output(const RunCommandView& command) {
  const ShellArgs& args = command.args;
  const std::string_view name = args.name();
  if (name == "date") {
    // -d/--date and -r/--reference print a given time, not the clock.
    if (has_arg(args, {"-d", "--date", "-r", "--reference", "-f", "--file"})) return {};
    return "the output of date (the build's time)";
  }
  if (name == "uuidgen") return "the output of uuidgen (a random id)";
  if (name == "openssl" && subcommand(args) == "rand") return "the output of openssl rand (random bytes)";
  if (reads_random_device(args, command.command())) return "bytes read from a random device";
  return {};
}

// True when an arithmetic expression names `variable` (`RANDOM % 6`, `$RANDOM+1`),
// as a whole name: RANDOM_SEED is another variable.
bool names_variable(std::string_view expression, std::string_view variable) {
  const auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t i = 0; i < expression.size();) {
    if (!name_char(expression[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < expression.size() && name_char(expression[end])) ++end;
    if (expression.substr(i, end - i) == variable) return true;
    i = end;
  }
  return false;
}

bool uses_random_variable(const shell::SimpleCommand& command) {
  const auto random = [](const shell::Word& word) {
    return std::ranges::any_of(word.parts, [](const shell::WordPart& part) {
      if (part.kind == shell::WordPart::Kind::parameter) return part.text == "RANDOM" || part.text == "SRANDOM";
      return part.kind == shell::WordPart::Kind::arithmetic &&
             (names_variable(part.text, "RANDOM") || names_variable(part.text, "SRANDOM"));
    });
  };
  return std::ranges::any_of(command.words, random) ||
         std::ranges::any_of(command.assignments, [&](const shell::Assignment& a) { return random(a.value); }) ||
         std::ranges::any_of(command.redirects, [&](const shell::Redirect& r) { return random(r.target); });
}

bool refers_to(const shell::Word& word, std::string_view variable) {
  return std::ranges::any_of(word.parts, [&](const shell::WordPart& part) {
    return part.kind == shell::WordPart::Kind::parameter && part.text == variable;
  });
}

// The script a word gives to `trap` or `sh -c`: its literal text, with its
// variables kept as variables (`"rm -rf $tmp"` runs `rm -rf $tmp` when the
// variable is expanded first, which names the same file).
std::string script_text(const shell::Word& word) {
  std::string text;
  for (const shell::WordPart& part : word.parts) {
    if (part.kind == shell::WordPart::Kind::literal) text += part.text;
    if (part.kind == shell::WordPart::Kind::parameter) text += "${" + part.text + "}";
  }
  return text;
}

// True when `trap` runs an `rm` that names $variable: its action is a script of its own.
bool trap_removes(const ShellArgs& args, std::string_view variable) {
  if (args.name() != "trap" || args.first + 1 >= args.words.size()) return false;
  const shell::Script action = shell::read_script(script_text(*args.words[args.first + 1]));
  return std::ranges::any_of(shell::flatten(action), [&](const shell::FlatCommand& flat) {
    const ShellArgs inner = read_args(*flat.command);
    return inner.name() == "rm" &&
           std::ranges::any_of(flat.command->words, [&](const shell::Word& w) { return refers_to(w, variable); });
  });
}

// True when a later `rm` (or a `trap` that runs one) names $variable.
bool removed(const RunView& view, std::string_view variable) {
  return std::ranges::any_of(view.commands, [&](const RunCommandView& command) {
    if (command.args.name() == "rm") {
      return std::ranges::any_of(command.command().words, [&](const shell::Word& w) { return refers_to(w, variable); });
    }
    return trap_removes(command.args, variable);
  });
}

bool substitutes_mktemp(const shell::Word& word) {
  return std::ranges::any_of(substituted_commands(word), [](const ShellArgs& args) { return args.name() == "mktemp"; });
}

void check_mktemp(const LintContext& context, const RunView& view) {
  if (view.mounted("/tmp")) return;
  for (const RunCommandView& command : view.commands) {
    const ShellArgs& args = command.args;
    // A name kept in a variable: `tmp=$(mktemp -d)` ... `rm -rf "$tmp"`.
    for (const shell::Assignment& assignment : command.command().assignments) {
      if (!substitutes_mktemp(assignment.value) || removed(view, assignment.name)) continue;
      context.report("time-or-random-value", command.piece->map.range(assignment.begin, assignment.end),
                     fmt::format("mktemp creates a randomly named file or folder (${}) that this RUN does not remove",
                                 assignment.name));
    }
    // A bare `mktemp` creates its file with a random name and leaves it.
    if (args.name() == "mktemp" && !command.flat().in_substitution && !has_arg(args, {"-u", "--dry-run"})) {
      context.report("time-or-random-value", command.where(),
                     "mktemp creates a randomly named file or folder that this RUN does not remove");
    }
  }
}

} // namespace

void check_clock(const LintContext& context, const RunView& view) {
  for (const RunCommandView& command : view.commands) {
    if (command.args.values.size() > command.args.first) {
      const std::string what = unreproducible_output(command);
      if (!what.empty() && output_kept(command)) {
        context.report("time-or-random-value", command.where(),
                       fmt::format("{} is kept: the image differs on every build", what));
        continue;
      }
    }
    if (uses_random_variable(command.command())) {
      context.report("time-or-random-value", command.where(),
                     "$RANDOM gives a new value on every build: the image differs on every build");
    }
  }
  check_mktemp(context, view);
}

} // namespace distill::planner::lint
