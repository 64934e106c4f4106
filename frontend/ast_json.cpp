#include "frontend/ast_json.hpp"

#include <nlohmann/json.hpp>

namespace distill::frontend {
namespace {

using nlohmann::json;

json position(const support::SourcePos& pos) {
  return {{"line", pos.line}, {"column", pos.column}, {"offset", pos.offset}};
}

json range(const support::SourceRange& where) {
  return {{"start", position(where.begin)}, {"end", position(where.end)}};
}

json instruction_json(const Instruction& instruction) {
  json flags = json::array();
  for (const Flag& flag : instruction.flags) {
    flags.push_back({{"text", flag.text},
                     {"name", flag.name},
                     {"value", flag.value ? json(*flag.value) : json(nullptr)},
                     {"range", range(flag.where)}});
  }
  json args = json::array();
  for (const Argument& arg : instruction.args) {
    args.push_back({{"value", arg.value}, {"range", range(arg.where)}});
  }
  json heredocs = json::array();
  for (const Heredoc& heredoc : instruction.heredocs) {
    heredocs.push_back({{"name", heredoc.name},
                        {"content", heredoc.content},
                        {"expand", heredoc.expand},
                        {"chomp", heredoc.chomp},
                        {"fd", heredoc.fd},
                        {"range", range(heredoc.where)},
                        {"body_range", range(heredoc.body)}});
  }
  json out = {{"keyword", instruction.keyword},
              {"command", instruction.command},
              {"range", range(instruction.where)},
              {"keyword_range", range(instruction.keyword_where)},
              {"rest_range", range(instruction.rest_where)},
              {"flags", std::move(flags)},
              {"args", std::move(args)},
              {"json_form", instruction.json_form},
              {"heredocs", std::move(heredocs)},
              {"comments", instruction.comments},
              {"original", instruction.original}};
  if (instruction.onbuild) {
    out["onbuild"] = instruction_json(*instruction.onbuild);
  }
  return out;
}

} // namespace

std::string ast_to_json(const Document& document, int indent) {
  json directives = json::array();
  for (const Directive& directive : document.directives) {
    directives.push_back({{"name", directive.name}, {"value", directive.value}, {"range", range(directive.where)}});
  }
  json instructions = json::array();
  for (const Instruction& instruction : document.instructions) {
    instructions.push_back(instruction_json(instruction));
  }
  const json out = {{"file", document.file.name},
                    {"escape", std::string(1, document.escape)},
                    {"directives", std::move(directives)},
                    {"instructions", std::move(instructions)}};
  return out.dump(indent, ' ', false, json::error_handler_t::replace);
}

} // namespace distill::frontend
