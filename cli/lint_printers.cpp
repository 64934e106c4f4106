#include "cli/lint_printers.hpp"

#include "planner/lint/rules.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace distill::cli {
namespace {

using Json = nlohmann::ordered_json;
using planner::lint::Rule;

constexpr std::string_view k_sarif_schema = "https://json.schemastore.org/sarif-2.1.0.json";

std::string_view colour_of(support::Severity severity) {
  switch (severity) {
  case support::Severity::error: return "\x1b[1;31m";
  case support::Severity::warning: return "\x1b[1;35m";
  case support::Severity::info: return "\x1b[1;36m";
  case support::Severity::style: return "\x1b[1;32m";
  }
  return "";
}

std::string_view sarif_level(support::Severity severity) {
  switch (severity) {
  case support::Severity::error: return "error";
  case support::Severity::warning: return "warning";
  default: return "note";
  }
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&apos;"; break;
    default:
      // XML 1.0 cannot hold most control characters, even escaped.
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += ' ';
      else out += c;
    }
  }
  return out;
}

// JSON output must be valid UTF-8 whatever bytes the Dockerfile held.
std::string json_dump(const Json& json) { return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"; }

int line_of(const support::Diagnostic& finding) { return std::max(finding.where.begin.line, 1); }
int column_of(const support::Diagnostic& finding) { return std::max(finding.where.begin.column, 1); }
int end_line_of(const support::Diagnostic& finding) {
  return finding.where.end.known() ? finding.where.end.line : line_of(finding);
}
int end_column_of(const support::Diagnostic& finding) {
  return finding.where.end.known() ? std::max(finding.where.end.column, 1) : column_of(finding) + 1;
}

} // namespace

std::optional<LintFormat> lint_format(std::string_view name) {
  if (name == "tty") return LintFormat::tty;
  if (name == "json") return LintFormat::json;
  if (name == "sarif") return LintFormat::sarif;
  if (name == "checkstyle") return LintFormat::checkstyle;
  if (name == "gnu") return LintFormat::gnu;
  return std::nullopt;
}

std::string format_lint(LintFormat format, const std::vector<LintedFile>& files, bool colour) {
  switch (format) {
  case LintFormat::tty: return format_tty(files, colour);
  case LintFormat::json: return format_json(files);
  case LintFormat::sarif: return format_sarif(files);
  case LintFormat::checkstyle: return format_checkstyle(files);
  case LintFormat::gnu: return format_gnu(files);
  }
  return {};
}

std::string format_tty(const std::vector<LintedFile>& files, bool colour) {
  std::string out;
  for (const LintedFile& linted : files) {
    for (const support::Diagnostic& finding : linted.findings) {
      std::string text = support::render(finding, linted.file);
      if (colour) {
        const std::string label = fmt::format(" {}:", support::to_string(finding.severity));
        const std::size_t at = text.find(label);
        if (at != std::string::npos) {
          text.replace(at, label.size(), fmt::format(" {}{}:\x1b[0m", colour_of(finding.severity),
                                                     support::to_string(finding.severity)));
        }
      }
      out += text;
    }
  }
  return out;
}

std::string format_json(const std::vector<LintedFile>& files) {
  Json findings = Json::array();
  for (const LintedFile& linted : files) {
    for (const support::Diagnostic& finding : linted.findings) {
      const Rule* rule = planner::lint::find_rule(finding.kind);
      Json aliases = Json::array();
      if (rule != nullptr) {
        for (std::string_view alias : rule->aliases) aliases.push_back(alias);
      }
      findings.push_back(Json{{"rule", finding.kind},
                              {"aliases", aliases},
                              {"severity", support::to_string(finding.severity)},
                              {"message", finding.message},
                              {"file", linted.file.name},
                              {"line", line_of(finding)},
                              {"column", column_of(finding)},
                              {"end_line", end_line_of(finding)},
                              {"end_column", end_column_of(finding)},
                              {"fix", finding.hint},
                              {"category", rule ? planner::lint::to_string(rule->category) : "correctness"},
                              {"neutralised_by_build", rule != nullptr && rule->neutralised_by_build},
                              {"migrate_fixes", rule != nullptr && rule->migrate_fixes}});
    }
  }
  return json_dump(Json{{"findings", findings}});
}

std::string format_sarif(const std::vector<LintedFile>& files) {
  Json rules = Json::array();
  const auto all = planner::lint::rules();
  for (const Rule& rule : all) {
    Json properties{{"tags", Json::array({planner::lint::to_string(rule.category)})}};
    if (!rule.aliases.empty()) {
      Json aliases = Json::array();
      for (std::string_view alias : rule.aliases) aliases.push_back(alias);
      properties["aliases"] = aliases;
    }
    rules.push_back(Json{{"id", rule.id},
                         {"name", rule.id},
                         {"shortDescription", {{"text", rule.summary}}},
                         {"help", {{"text", rule.fix}}},
                         {"defaultConfiguration", {{"level", sarif_level(rule.severity)}}},
                         {"properties", properties}});
  }
  Json results = Json::array();
  for (const LintedFile& linted : files) {
    for (const support::Diagnostic& finding : linted.findings) {
      Json location{{"physicalLocation", {{"artifactLocation", {{"uri", linted.file.name}}}}}};
      location["physicalLocation"]["region"] = Json{{"startLine", line_of(finding)},
                                                    {"startColumn", column_of(finding)},
                                                    {"endLine", end_line_of(finding)},
                                                    {"endColumn", end_column_of(finding)}};
      Json result{{"ruleId", finding.kind}};
      const auto found = std::ranges::find_if(all, [&](const Rule& rule) { return rule.id == finding.kind; });
      if (found != all.end()) result["ruleIndex"] = found - all.begin();
      result["level"] = sarif_level(finding.severity);
      result["message"] = Json{{"text", finding.hint.empty() ? finding.message
                                                             : finding.message + " (fix: " + finding.hint + ")"}};
      result["locations"] = Json::array({location});
      results.push_back(std::move(result));
    }
  }
  Json driver{{"name", "distill lint"}, {"rules", rules}};
  Json run{{"tool", {{"driver", driver}}}, {"results", results}};
  return json_dump(Json{{"version", "2.1.0"}, {"$schema", k_sarif_schema}, {"runs", Json::array({run})}});
}

std::string format_checkstyle(const std::vector<LintedFile>& files) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n";
  for (const LintedFile& linted : files) {
    out += fmt::format("  <file name=\"{}\">\n", xml_escape(linted.file.name));
    for (const support::Diagnostic& finding : linted.findings) {
      const std::string_view severity =
          finding.severity == support::Severity::style ? "info" : support::to_string(finding.severity);
      out += fmt::format("    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"{}\"/>\n",
                         line_of(finding), column_of(finding), severity, xml_escape(finding.message),
                         xml_escape(finding.kind));
    }
    out += "  </file>\n";
  }
  return out + "</checkstyle>\n";
}

std::string format_gnu(const std::vector<LintedFile>& files) {
  std::string out;
  for (const LintedFile& linted : files) {
    for (const support::Diagnostic& finding : linted.findings) {
      out += fmt::format("{}:{}:{}: {}: {} [{}]\n", linted.file.name, line_of(finding), column_of(finding),
                         support::to_string(finding.severity), finding.message, finding.kind);
    }
  }
  return out;
}

} // namespace distill::cli
