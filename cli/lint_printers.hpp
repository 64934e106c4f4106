#pragma once

// The output formats of `distill lint` (docs/lint-rules.md describes them):
// tty (like a compiler, with the line and a caret), JSON, SARIF 2.1.0,
// checkstyle XML and GNU one-line messages.

#include "support/diagnostic.hpp"
#include "support/source.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace distill::cli {

// One linted file and its findings (kind = rule id, hint = fix).
struct LintedFile {
  support::SourceFile file;
  std::vector<support::Diagnostic> findings;
};

enum class LintFormat { tty, json, sarif, checkstyle, gnu };

// The format named `name`; nullopt when unknown.
std::optional<LintFormat> lint_format(std::string_view name);

// The whole report for `files` in `format`; `colour` applies to tty only.
std::string format_lint(LintFormat format, const std::vector<LintedFile>& files, bool colour);

std::string format_tty(const std::vector<LintedFile>& files, bool colour);
std::string format_json(const std::vector<LintedFile>& files);
std::string format_sarif(const std::vector<LintedFile>& files);
std::string format_checkstyle(const std::vector<LintedFile>& files);
std::string format_gnu(const std::vector<LintedFile>& files);

} // namespace distill::cli
