#pragma once

// Parser directives (`# syntax=...`, `# escape=...`, `# check=...`) in the
// window at the top of a Dockerfile (BuildKit's parser/directives.go).

#include "frontend/ast.hpp"
#include "support/diagnostic.hpp"

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace distill::frontend {

class DirectiveWindow {
public:
  // Looks at one line (newline and leading white space removed). Returns true
  // when it is a directive, which is appended to `out`. The window closes at
  // the first line that is not one. Duplicates and a bad escape value are
  // reported (BuildKit's wording) and otherwise ignored.
  bool consume(std::string_view line, support::SourceRange where, std::vector<Directive>& out,
               support::DiagnosticSink& sink);

  char escape() const { return m_escape; }

private:
  bool m_done = false;
  std::set<std::string, std::less<>> m_seen;
  char m_escape = '\\';
};

} // namespace distill::frontend
