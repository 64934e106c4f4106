#pragma once

// The syntax of a POSIX shell script as the planner and the linter need it:
// the text of a `RUN` step read into lists, and-or lists, pipelines and
// commands, each word split into literal and expanding parts. Nothing is
// executed or expanded here; expand.hpp expands words with known variables.
//
// Every node keeps byte offsets [begin, end) into the script text it was
// read from, so that a command can be cut out of the script or mapped back
// to the Dockerfile.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace distill::planner::shell {

struct List;

// One piece of a word: literal text or an expansion.
struct WordPart {
  enum class Kind {
    literal,              // text after quote removal
    parameter,            // $name, ${name...}, $1, $@, ...
    command_substitution, // $(...)
    backtick,             // `...`
    arithmetic,           // $((...))
    process_substitution, // <(...) / >(...) (bash)
  };
  Kind kind = Kind::literal;
  std::string text;     // literal: the characters; parameter: the name; others: the inner text
  std::string modifier; // parameter: what follows the name in ${...} (":-x", "%%.*"); "#" for ${#name}
  bool quoted = false;  // inside '...', "..." or after a backslash
  bool braced = false;  // parameter written as ${...}
  std::shared_ptr<const List> inner; // command and process substitutions: the commands inside
  std::size_t begin = 0, end = 0;
};

// A word of a command.
struct Word {
  std::vector<WordPart> parts;
  std::string text; // as written
  std::size_t begin = 0, end = 0;

  // True when the word has no expansion at all (only literal parts).
  bool literal() const;
  // True when the word holds $(...), `...` or a process substitution (also inside "...").
  bool has_substitution() const;
  // True when the word refers to a parameter ($x, ${x}, $1, ...).
  bool has_parameter() const;
  // True when an unquoted *, ? or [ makes the word a pathname pattern.
  bool has_glob() const;
  // True when the word starts with an unquoted ~ (tilde expansion).
  bool has_tilde() const;
  // The concatenated literal parts: the word's value when literal().
  std::string value() const;
};

// `NAME=value` before a command (or a bare assignment).
struct Assignment {
  std::string name;
  Word value;
  bool append = false; // NAME+=value (bash)
  std::size_t begin = 0, end = 0;
};

// A redirection: `>file`, `2>&1`, `<<EOF`, `<<<word`, `&>file`.
struct Redirect {
  int fd = -1;      // the explicit number before the operator; -1 = the operator's default
  std::string op;   // ">", ">>", ">|", "<", "<>", ">&", "<&", "<<", "<<-", "<<<", "&>", "&>>"
  Word target;      // file, fd number, here-string or here-document delimiter
  std::optional<std::string> heredoc; // the body of a here-document
  std::size_t heredoc_begin = 0;      // where the body's first line starts in the script text
  bool heredoc_quoted = false;        // delimiter was quoted: the body is not expanded
  std::size_t begin = 0, end = 0;

  // The fd the redirection applies to, with the operator's default.
  int target_fd() const;
  // True for `>`, `>>`, `>|`, `&>`, `&>>`, `<>` to a file (not `>&N`).
  bool writes_file() const;
};

struct SimpleCommand {
  std::vector<Assignment> assignments; // env prefix
  std::vector<Word> words;             // command name and arguments
  std::vector<Redirect> redirects;
  std::size_t begin = 0, end = 0;
};

struct Command {
  enum class Kind {
    simple,
    subshell,     // ( list )
    brace_group,  // { list; }
    if_clause,    // bodies: condition, then, [elif condition, then]..., [else]
    for_clause,   // name, words (has_in), bodies: the loop body
    while_clause, // bodies: condition, body
    until_clause, // bodies: condition, body
    case_clause,  // words[0]: the subject; bodies: one per item; patterns per item
    function_def, // name, bodies: the body (a compound command as a one-item list)
    arithmetic,   // (( ... )) (bash); text in `name`
  };
  Kind kind = Kind::simple;
  SimpleCommand simple;               // Kind::simple
  std::vector<List> bodies;
  std::string name;                   // for: the variable; function: the name
  std::vector<Word> words;            // for: the list after `in`; case: the subject
  bool has_in = false;                // for: `in` was written
  std::vector<std::vector<Word>> patterns; // case: the patterns of each item
  std::vector<Redirect> redirects;    // on a compound command
  std::size_t begin = 0, end = 0;
};

struct Pipeline {
  bool negated = false;       // `! pipeline`
  std::vector<Command> commands;
  std::vector<bool> pipe_stderr; // per `|`: true for `|&`
  std::size_t begin = 0, end = 0;
};

enum class AndOrOp { and_if, or_if };

// pipeline { && | || pipeline }, ended by `;`, `&`, a newline or the end.
struct AndOr {
  std::vector<Pipeline> pipelines;
  std::vector<AndOrOp> ops; // ops[i] joins pipelines[i] and pipelines[i + 1]
  bool background = false;  // ended by `&`
  char terminator = 0;      // ';', '&', '\n' or 0 (end of the list)
  std::size_t begin = 0, end = 0;
};

struct List {
  std::vector<AndOr> items;
  std::size_t begin = 0, end = 0;
};

// Why reading stopped early.
struct SyntaxError {
  std::string message; // "unterminated double quote"
  std::size_t offset = 0;
};

struct Script {
  std::string text; // the text that was read (offsets point into it)
  List list;
  std::optional<SyntaxError> error; // set when the text is not valid shell; `list` has what was read
};

} // namespace distill::planner::shell
