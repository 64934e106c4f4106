#pragma once

#include "support/source.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace distill::support {

enum class Severity { error, warning, info, style };

std::string_view to_string(Severity severity);
// The severity `to_string` names `name`, if any.
std::optional<Severity> severity_from_string(std::string_view name);

// A finding in the input: a syntax error, a bad flag, a lint hit, a RUN step
// the rewrite could not prove safe. Findings are data, not exceptions.
struct Diagnostic {
  Severity severity = Severity::error;
  std::string kind;    // stable identifier, e.g. "unknown-instruction"
  SourceRange where;   // may be unknown for file-level findings
  std::string message; // one line, lower-case start, BuildKit wording if any
  std::string hint;    // what to do; may be empty
};

// Collects diagnostics; a stage keeps going after an error and the caller
// decides the exit status from error_count().
class DiagnosticSink {
public:
  void report(Diagnostic diagnostic);
  const std::vector<Diagnostic>& diagnostics() const { return m_diagnostics; }
  int error_count() const { return m_errors; }
  bool has_errors() const { return m_errors > 0; }

private:
  std::vector<Diagnostic> m_diagnostics;
  int m_errors = 0;
};

// Renders a diagnostic like a compiler:
//   Dockerfile:12:1: error: unknown instruction: RUNN (did you mean RUN?)
//      12 | RUNN apt-get update
//         | ^~~~
//   hint: ...
std::string render(const Diagnostic& diagnostic, const SourceFile& file);

} // namespace distill::support
