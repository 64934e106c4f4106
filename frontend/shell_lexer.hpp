#pragma once

// BuildKit's shell lexer (frontend/dockerfile/shell/lex.go): variable
// expansion with bash-like modifiers, quote and escape processing, and word
// splitting, for the instructions that expand variables (ENV, ARG, LABEL,
// COPY, ADD, WORKDIR, USER, VOLUME, STOPSIGNAL, EXPOSE, FROM, mount options).

#include "support/error.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace distill::frontend {

// The variables visible to one instruction (ENV and ARGs in scope).
using ShellEnv = std::map<std::string, std::string, std::less<>>;

struct LexerOptions {
  char escape = '\\';               // `\` or the `# escape=` character
  bool raw_quotes = false;          // keep quote characters in the result
  bool raw_escapes = false;         // keep escape characters in the result
  bool skip_process_quotes = false; // quotes are plain characters (COPY heredoc bodies)
  bool skip_unset_env = false;      // leave references to unset variables as written
};

struct LexResult {
  std::string result;              // the processed word (ProcessWord)
  std::vector<std::string> words;  // the result split on unquoted white space (ProcessWords)
  std::set<std::string> matched;   // variable names that were looked up and found
  std::set<std::string> unmatched; // variable names that were looked up and not found
};

// Processes `word` against `env`. Fails with BuildKit's message, e.g.
// `failed to process "${x": syntax error: missing '}'`.
support::Result<LexResult> process_word(std::string_view word, const ShellEnv& env,
                                        const LexerOptions& options = {});

} // namespace distill::frontend
