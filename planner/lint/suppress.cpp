#include "planner/lint/suppress.hpp"

#include "planner/lint/rules.hpp"

#include <algorithm>

namespace distill::planner::lint {
namespace {

std::string_view trim(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const std::size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string> split_ids(std::string_view list) {
  std::vector<std::string> ids;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const std::size_t end = std::min(list.find(',', begin), list.size());
    const std::string_view id = trim(list.substr(begin, end - begin));
    if (!id.empty()) ids.emplace_back(id);
    begin = end + 1;
  }
  return ids;
}

bool matches_any(const support::Diagnostic& finding, const std::vector<std::string>& names) {
  const Rule* rule = find_rule(finding.kind);
  return std::ranges::any_of(names, [&](const std::string& name) {
    return name == finding.kind || (rule != nullptr && rule_matches(*rule, name));
  });
}

struct CheckDirective {
  std::vector<std::string> skip;
  std::vector<std::string> experimental; // experimental rules turned on ("all" = every one)
  bool skip_all = false;
  bool error = false;
};

CheckDirective read_check(const frontend::Document& document) {
  CheckDirective check;
  for (const frontend::Directive& directive : document.directives) {
    if (directive.name != "check") continue;
    std::size_t begin = 0;
    const std::string_view value = directive.value;
    while (begin <= value.size()) {
      const std::size_t end = std::min(value.find(';', begin), value.size());
      const std::string_view part = trim(value.substr(begin, end - begin));
      if (part.starts_with("skip=")) {
        for (std::string& id : split_ids(part.substr(5))) {
          if (id == "all") check.skip_all = true;
          check.skip.push_back(std::move(id));
        }
      } else if (part.starts_with("experimental=")) {
        for (std::string& id : split_ids(part.substr(13))) check.experimental.push_back(std::move(id));
      } else if (part == "error=true") {
        check.error = true;
      }
      begin = end + 1;
    }
  }
  return check;
}

// The ids of `ignore=` pragmas on the comment lines right above the
// instruction that holds `line`.
std::vector<std::string> inline_ids(const frontend::Document& document, int line) {
  int start = line;
  for (const frontend::Instruction& instruction : document.instructions) {
    if (instruction.where.begin.line <= line && line <= instruction.where.end.line) {
      start = instruction.where.begin.line;
      break;
    }
  }
  std::vector<std::string> ids;
  for (int above = start - 1; above >= 1; --above) {
    const std::string_view text = trim(document.file.line(above));
    if (!text.starts_with('#')) break;
    for (std::string& id : pragma_ids(text.substr(1), "ignore")) ids.push_back(std::move(id));
  }
  return ids;
}

} // namespace

std::vector<std::string> pragma_ids(std::string_view comment, std::string_view scope) {
  comment = trim(comment);
  for (std::string_view tool : {"distill", "hadolint"}) {
    if (!comment.starts_with(tool)) continue;
    std::string_view rest = trim(comment.substr(tool.size()));
    if (!rest.starts_with(scope)) return {};
    rest = trim(rest.substr(scope.size()));
    if (!rest.starts_with('=')) return {};
    rest = rest.substr(1);
    // A trailing `# free text` is allowed after the list.
    rest = rest.substr(0, rest.find('#'));
    const std::size_t space = trim(rest).find_first_of(" \t");
    std::string_view list = trim(rest);
    // Spaces are allowed around commas only: "A, B" is one list, "A B" ends at A.
    if (space != std::string_view::npos && list.find(',') == std::string_view::npos) list = list.substr(0, space);
    return split_ids(list);
  }
  return {};
}

void apply_suppressions(const frontend::Document& document, const LintOptions& options,
                        std::vector<support::Diagnostic>& findings) {
  const CheckDirective check = read_check(document);
  std::vector<std::string> global;
  if (options.pragmas) {
    const std::string_view text = document.file.text;
    for (std::size_t begin = 0; begin < text.size();) {
      const std::size_t end = std::min(text.find('\n', begin), text.size());
      const std::string_view line = trim(text.substr(begin, end - begin));
      if (line.starts_with('#')) {
        for (std::string& id : pragma_ids(line.substr(1), "global ignore")) global.push_back(std::move(id));
      }
      begin = end + 1;
    }
  }
  std::erase_if(findings, [&](const support::Diagnostic& finding) {
    if (finding.kind == "parse-error" && finding.severity == support::Severity::error) return false;
    if (matches_any(finding, options.ignored)) return true;
    const Rule* rule = find_rule(finding.kind);
    // As in BuildKit, experimental wins over skip: an enabled experimental rule is kept.
    if (rule != nullptr && rule->experimental) {
      const bool enabled = std::ranges::find(check.experimental, "all") != check.experimental.end() ||
                           matches_any(finding, check.experimental);
      if (!enabled) return true;
    } else if (rule != nullptr && rule->buildkit && (check.skip_all || matches_any(finding, check.skip))) return true;
    if (!options.pragmas) return false;
    if (matches_any(finding, global)) return true;
    return finding.where.known() && matches_any(finding, inline_ids(document, finding.where.begin.line));
  });
  for (support::Diagnostic& finding : findings) {
    const Rule* rule = find_rule(finding.kind);
    if (check.error && rule != nullptr && rule->buildkit) finding.severity = support::Severity::error;
    for (const auto& [name, severity] : options.overrides) {
      if (name == finding.kind || (rule != nullptr && rule_matches(*rule, name))) finding.severity = severity;
    }
  }
}

} // namespace distill::planner::lint
