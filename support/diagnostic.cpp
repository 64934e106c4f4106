#include "support/diagnostic.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace distill::support {

std::string_view to_string(Severity severity) {
  switch (severity) {
  case Severity::error:
    return "error";
  case Severity::warning:
    return "warning";
  case Severity::info:
    return "info";
  case Severity::style:
    return "style";
  }
  return "error";
}

std::optional<Severity> severity_from_string(std::string_view name) {
  for (const auto severity : {Severity::error, Severity::warning, Severity::info, Severity::style}) {
    if (to_string(severity) == name) {
      return severity;
    }
  }
  return std::nullopt;
}

void DiagnosticSink::report(Diagnostic diagnostic) {
  if (diagnostic.severity == Severity::error) {
    ++m_errors;
  }
  m_diagnostics.push_back(std::move(diagnostic));
}

namespace {

// Control bytes and invalid UTF-8 in the echoed line would garble a terminal.
std::string printable(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (char c : line) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\t') {
      out += ' ';
    } else if (byte < 0x20 || byte == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

} // namespace

std::string render(const Diagnostic& diagnostic, const SourceFile& file) {
  std::string out;
  const auto& begin = diagnostic.where.begin;
  if (begin.known()) {
    out = fmt::format("{}:{}:{}: {}: {}", file.name, begin.line, std::max(begin.column, 1),
                      to_string(diagnostic.severity), diagnostic.message);
  } else {
    out = fmt::format("{}: {}: {}", file.name, to_string(diagnostic.severity), diagnostic.message);
  }
  if (!diagnostic.kind.empty()) {
    out += fmt::format(" [{}]", diagnostic.kind);
  }
  out += '\n';
  if (begin.known()) {
    constexpr std::size_t max_echo = 200;
    std::string line = printable(file.line(begin.line).substr(0, max_echo));
    const auto gutter = fmt::format("{:>5}", begin.line);
    out += fmt::format("{} | {}\n", gutter, line);
    const auto column = static_cast<std::size_t>(std::max(begin.column, 1));
    std::size_t width = 1;
    if (diagnostic.where.end.line == begin.line && diagnostic.where.end.column > begin.column) {
      width = static_cast<std::size_t>(diagnostic.where.end.column - begin.column);
    }
    if (column <= max_echo + 1) {
      width = std::min(width, max_echo + 1 - column + 1);
      out += fmt::format("{} | {}^{}\n", std::string(gutter.size(), ' '), std::string(column - 1, ' '),
                         std::string(width > 1 ? width - 1 : 0, '~'));
    }
  }
  if (!diagnostic.hint.empty()) {
    out += fmt::format("hint: {}\n", diagnostic.hint);
  }
  return out;
}

} // namespace distill::support
