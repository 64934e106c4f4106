#include "planner/shell/walk.hpp"

namespace distill::planner::shell {
namespace {

struct Walker {
  std::vector<FlatCommand> out;

  void substitutions(const Word& word, const FlatCommand& context) {
    for (const WordPart& part : word.parts) {
      if (part.inner) {
        FlatCommand inner = context;
        inner.depth += 1;
        inner.in_substitution = true;
        list(*part.inner, inner);
      }
    }
  }

  void simple(const SimpleCommand& command, FlatCommand flat) {
    flat.command = &command;
    const auto note = [&](const Word& word) {
      flat.has_substitution = flat.has_substitution || word.has_substitution();
      flat.has_parameter = flat.has_parameter || word.has_parameter();
      substitutions(word, flat);
    };
    for (const Assignment& assignment : command.assignments) {
      note(assignment.value);
    }
    for (const Word& word : command.words) {
      note(word);
    }
    for (const Redirect& redirect : command.redirects) {
      note(redirect.target);
    }
    out.push_back(flat);
  }

  void compound(const Command& command, FlatCommand flat) {
    for (const Word& word : command.words) {
      substitutions(word, flat);
    }
    flat.depth += 1;
    for (std::size_t i = 0; i < command.bodies.size(); ++i) {
      FlatCommand inner = flat;
      inner.before = Connector::first;
      switch (command.kind) {
      case Command::Kind::subshell: inner.in_subshell = true; break;
      case Command::Kind::brace_group: inner.in_brace_group = true; break;
      case Command::Kind::if_clause: {
        const bool is_else = command.bodies.size() % 2 == 1 && i + 1 == command.bodies.size() && i > 0;
        (i % 2 == 0 && !is_else ? inner.in_condition : inner.in_branch) = true;
        break;
      }
      case Command::Kind::while_clause:
      case Command::Kind::until_clause: (i == 0 ? inner.in_condition : inner.in_loop) = true; break;
      case Command::Kind::for_clause: inner.in_loop = true; break;
      case Command::Kind::case_clause: inner.in_branch = true; break;
      case Command::Kind::function_def: inner.in_function = true; break;
      default: break;
      }
      list(command.bodies[i], inner);
    }
  }

  void pipeline(const Pipeline& pipe, const FlatCommand& context, Connector next, bool background) {
    for (std::size_t c = 0; c < pipe.commands.size(); ++c) {
      FlatCommand flat = context;
      flat.before = c > 0 ? Connector::pipe : next;
      flat.in_pipeline = context.in_pipeline || pipe.commands.size() > 1;
      flat.background = context.background || background;
      flat.negated = context.negated || pipe.negated;
      const Command& command = pipe.commands[c];
      if (command.kind == Command::Kind::simple) {
        simple(command.simple, flat);
      } else {
        compound(command, flat);
      }
    }
  }

  void list(const List& commands, FlatCommand context) {
    Connector next = context.before;
    for (const AndOr& item : commands.items) {
      for (std::size_t p = 0; p < item.pipelines.size(); ++p) {
        if (p > 0) {
          next = item.ops[p - 1] == AndOrOp::and_if ? Connector::and_if : Connector::or_if;
        }
        pipeline(item.pipelines[p], context, next, item.background);
      }
      next = item.terminator == '&'    ? Connector::background
             : item.terminator == '\n' ? Connector::newline
                                       : Connector::semicolon;
    }
  }
};

} // namespace

std::vector<FlatCommand> flatten(const Script& script) { return flatten(script.list); }

std::vector<FlatCommand> flatten(const List& list) {
  Walker walker;
  walker.list(list, FlatCommand{});
  return walker.out;
}

std::vector<FlatCommand> flatten(const Pipeline& pipeline) {
  Walker walker;
  walker.pipeline(pipeline, FlatCommand{}, Connector::first, false);
  return walker.out;
}

bool apply_set(const SimpleCommand& command, ShellOptions& options) {
  if (command.words.empty() || !command.words[0].literal() || command.words[0].value() != "set") {
    return false;
  }
  for (std::size_t i = 1; i < command.words.size(); ++i) {
    const std::string arg = command.words[i].value();
    if (arg.size() < 2 || (arg[0] != '-' && arg[0] != '+') || arg == "--") {
      break;
    }
    const bool on = arg[0] == '-';
    if (arg.substr(1) == "o" && i + 1 < command.words.size()) {
      const std::string name = command.words[++i].value();
      if (name == "errexit") {
        options.errexit = on;
      } else if (name == "pipefail") {
        options.pipefail = on;
      } else if (name == "nounset") {
        options.nounset = on;
      } else if (name == "xtrace") {
        options.xtrace = on;
      }
      continue;
    }
    for (std::size_t k = 1; k < arg.size(); ++k) {
      switch (arg[k]) {
      case 'e': options.errexit = on; break;
      case 'u': options.nounset = on; break;
      case 'x': options.xtrace = on; break;
      case 'o':
        // -eo pipefail: the option name is the next argument
        if (i + 1 < command.words.size() && command.words[i + 1].value() == "pipefail") {
          options.pipefail = on;
          ++i;
        }
        break;
      default: break;
      }
    }
  }
  return true;
}

} // namespace distill::planner::shell
