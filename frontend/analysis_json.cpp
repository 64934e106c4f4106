#include "frontend/analysis_json.hpp"

#include <nlohmann/json.hpp>

namespace distill::frontend {
namespace {

using json = nlohmann::ordered_json;

json range_json(const SourceRange& where) {
  return json{{"line", where.begin.line},
              {"column", where.begin.column},
              {"offset", where.begin.offset},
              {"end_line", where.end.line},
              {"end_column", where.end.column},
              {"end_offset", where.end.offset}};
}

json args_json(const std::vector<ArgValue>& args) {
  json out = json::array();
  for (const auto& arg : args) {
    out.push_back(json{{"name", arg.name}, {"value", arg.value ? json(*arg.value) : json(nullptr)}});
  }
  return out;
}

json env_json(const EnvList& env) {
  json out = json::array();
  for (const auto& [key, value] : env) out.push_back(json{{"name", key}, {"value", value}});
  return out;
}

std::string_view kind_name(BaseKind kind) {
  switch (kind) {
  case BaseKind::scratch: return "scratch";
  case BaseKind::image: return "image";
  case BaseKind::stage: return "stage";
  }
  return "image";
}

json stage_json(const Stage& stage, const Build& build) {
  json base{{"written", stage.base_as_written},
            {"expanded", stage.base_name},
            {"kind", kind_name(stage.base_kind)}};
  if (stage.base_stage >= 0) base["stage"] = stage.base_stage;
  json platform{{"resolved", stage.platform.empty() ? build.options.target_platform : stage.platform}};
  platform["written"] = stage.from.platform ? json(stage.from.platform->raw) : json(nullptr);
  return json{{"index", stage.index},
              {"name", stage.name.empty() ? json(nullptr) : json(stage.name)},
              {"display_name", stage.display_name},
              {"base", base},
              {"platform", platform},
              {"args", args_json(stage.args)},
              {"env", env_json(stage.env)},
              {"workdir", stage.workdir},
              {"user", stage.user},
              {"depends_on", stage.depends_on},
              {"needed", stage.needed},
              {"instructions", stage.steps.size()},
              {"where", range_json(stage.from.where)}};
}

} // namespace

std::string analysis_to_json(const Build& build) {
  json stages = json::array();
  for (const auto& stage : build.stages) stages.push_back(stage_json(stage, build));
  json out{{"target", build.target},
           {"target_name", build.target >= 0 ? json(build.stages[build.target].display_name) : json(nullptr)},
           {"build_args", json::object()},
           {"global_args", args_json(build.global_args)},
           {"stages", stages}};
  for (const auto& [key, value] : build.options.build_args) out["build_args"][key] = value;
  return out.dump(2, ' ', false, json::error_handler_t::replace);
}

} // namespace distill::frontend
