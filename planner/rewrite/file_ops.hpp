#pragma once

// Shell idioms that have a declarative form as file ops: mkdir -p, ln -s,
// chmod, chown, rm -rf, echo/printf > FILE, and (user_ops.hpp) useradd,
// groupadd, adduser, addgroup. A command becomes ops only when everything
// it does is known before running it: literal words (or variables with known
// values), no globs except a trailing `/*`, no option the op cannot express.

#include "planner/ir.hpp"
#include "planner/shell/expand.hpp"
#include "planner/shell/syntax.hpp"

#include <string>
#include <vector>

namespace distill::planner::rewrite {

struct FileOpContext {
  const shell::Environment* environment = nullptr; // what $x holds (null: nothing known)
  std::string cwd = "/"; // absolute working directory; empty when a `cd` made it unknown
  bool root = true;      // the step runs as root (file ops create root-owned files)
};

struct FileOpResult {
  bool recognized = false;  // the command is one of the idioms
  std::vector<Op> ops;      // its declarative form, when there is one
  bool no_op = false;       // the command changes nothing in the image (echo without redirection)
  std::string refusal;      // recognized but not declarative: why
  std::string cause;        // short key of the refusal

  bool declarative() const { return recognized && refusal.empty(); }
};

// Reads one simple command as a file-op idiom. Commands that are not idioms
// give recognized == false. The ops carry no source ranges (the caller sets them).
FileOpResult read_file_op(const shell::SimpleCommand& command, const FileOpContext& context);

// `path` made absolute against `cwd` ("" when cwd is unknown and path relative).
std::string absolute_path(const std::string& path, const std::string& cwd);

} // namespace distill::planner::rewrite
