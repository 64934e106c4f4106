#include "planner/plan_json.hpp"

#include "planner/plan_dump.hpp"

#include <nlohmann/json.hpp>

namespace distill::planner {
namespace {

using nlohmann::json;

json range_json(const SourceRange& range) {
  return {{"line", range.begin.line},
          {"column", range.begin.column},
          {"end_line", range.end.line},
          {"end_column", range.end.column}};
}

json ranges_json(const Ranges& where) {
  json out = json::array();
  for (const SourceRange& range : where) {
    if (range.known()) out.push_back(range_json(range));
  }
  return out;
}

json line_of(const Ranges& where) {
  if (where.empty() || !where.front().known()) return nullptr;
  return where.front().begin.line;
}

// Ordered pairs (ENV values, labels) as an array of {name, value}.
json pairs_json(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json out = json::array();
  for (const auto& [key, value] : pairs) out.push_back({{"name", key}, {"value", value}});
  return out;
}

template <typename T>
json optional_json(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

struct OpJson {
  json operator()(const InstallPackages& op) const {
    json packages = json::array();
    for (const PackageRequest& request : op.packages) {
      json entry = {{"name", request.name}, {"version", request.version}, {"arch", request.arch},
                    {"suite", request.suite}};
      if (const auto& word = request.from_base_env) {
        entry["from_base_env"] = {{"word", word->word}, {"names", word->names}, {"values", pairs_json(word->values)}};
      }
      packages.push_back(std::move(entry));
    }
    return {{"op", "InstallPackages"},
            {"packages", packages},
            {"recommends", op.recommends},
            {"default_release", op.default_release},
            {"upgrade", op.upgrade},
            {"save_manual", op.save_manual},
            {"mark_auto", op.mark_auto},
            {"mark_manual", op.mark_manual},
            {"restore_manual", op.restore_manual},
            {"remove", op.remove},
            {"purge", op.purge},
            {"auto_remove", op.auto_remove},
            {"autoremove_keeps_recommends", op.autoremove_keeps_recommends}};
  }
  json operator()(const Run& op) const {
    const json env = pairs_json(op.env);
    json mounts = json::array();
    static const char* k_types[] = {"bind", "cache", "tmpfs", "secret", "ssh"};
    for (const Mount& mount : op.mounts) {
      mounts.push_back({{"type", k_types[static_cast<int>(mount.type)]},
                        {"target", mount.target},
                        {"source", mount.source},
                        {"from", mount.from},
                        {"from_stage", mount.from_stage},
                        {"readonly", mount.readonly},
                        {"id", mount.id},
                        {"sharing", mount.sharing},
                        {"uid", optional_json(mount.uid)},
                        {"gid", optional_json(mount.gid)},
                        {"mode", optional_json(mount.mode)},
                        {"required", mount.required},
                        {"env", mount.env},
                        {"size", optional_json(mount.size)}});
    }
    json heredocs = json::array();
    for (const Run::File& file : op.heredocs) {
      heredocs.push_back({{"name", file.name}, {"content", file.content}, {"fd", file.fd}});
    }
    return {{"op", "Run"},
            {"shell_form", op.shell_form},
            {"script", op.script},
            {"argv", op.argv},
            {"shell", op.shell},
            {"env", env},
            {"build_args", op.build_args},
            {"user", op.user},
            {"workdir", op.workdir},
            {"mounts", mounts},
            {"network", op.network},
            {"security", op.security},
            {"heredocs", heredocs},
            {"saved_manual", op.saved_manual},
            {"reason", op.reason}};
  }
  json operator()(const Copy& op) const {
    json inline_files = json::array();
    for (const Copy::Inline& file : op.inline_files) inline_files.push_back({{"name", file.name}, {"content", file.content}});
    return {{"op", op.add ? "Add" : "Copy"},
            {"sources", op.sources},
            {"inline_files", inline_files},
            {"dest", op.dest},
            {"workdir", op.workdir},
            {"from", op.from},
            {"from_stage", op.from_stage},
            {"chown", op.chown},
            {"chmod", optional_json(op.chmod)},
            {"chmod_text", op.chmod_text},
            {"link", op.link},
            {"parents", op.parents},
            {"excludes", op.excludes},
            {"checksum", op.checksum},
            {"unpack", optional_json(op.unpack)},
            {"keep_git_dir", op.keep_git_dir}};
  }
  json operator()(const Mkdir& op) const {
    return {{"op", "Mkdir"}, {"path", op.path}, {"mode", op.mode}, {"parents", op.parents}};
  }
  json operator()(const Symlink& op) const {
    return {{"op", "Symlink"}, {"path", op.path}, {"target", op.target}, {"force", op.force},
            {"no_target_directory", op.no_target_directory}};
  }
  json operator()(const WriteFile& op) const {
    return {{"op", "WriteFile"}, {"path", op.path}, {"content", op.content}, {"mode", op.mode}, {"append", op.append}};
  }
  json operator()(const Remove& op) const {
    return {{"op", "Remove"}, {"path", op.path}, {"recursive", op.recursive}, {"force", op.force},
            {"cache_cleanup", op.cache_cleanup}};
  }
  json operator()(const Chmod& op) const {
    return {{"op", "Chmod"}, {"paths", op.paths}, {"mode", op.mode}, {"recursive", op.recursive}};
  }
  json operator()(const Chown& op) const {
    return {{"op", "Chown"}, {"paths", op.paths}, {"owner", op.owner}, {"recursive", op.recursive}};
  }
  json operator()(const AddUser& op) const {
    return {{"op", "AddUser"}, {"name", op.name}, {"uid", optional_json(op.uid)}, {"gid", optional_json(op.gid)},
            {"group", op.group}, {"groups", op.groups}, {"home", op.home}, {"shell", op.shell}, {"gecos", op.gecos},
            {"system", op.system}, {"create_home", op.create_home}, {"create_group", op.create_group},
            {"tool", op.tool}};
  }
  json operator()(const AddGroup& op) const {
    return {{"op", "AddGroup"}, {"name", op.name}, {"gid", optional_json(op.gid)}, {"system", op.system},
            {"tool", op.tool}};
  }
  json operator()(const SetEnv& op) const {
    return {{"op", "SetEnv"}, {"values", pairs_json(op.values)}};
  }
  json operator()(const SetWorkdir& op) const { return {{"op", "SetWorkdir"}, {"path", op.path}}; }
  json operator()(const SetUser& op) const { return {{"op", "SetUser"}, {"user", op.user}}; }
  json operator()(const SetEntrypoint& op) const {
    return {{"op", "SetEntrypoint"}, {"argv", op.argv}, {"shell_form", op.shell_form}};
  }
  json operator()(const SetCmd& op) const { return {{"op", "SetCmd"}, {"argv", op.argv}, {"shell_form", op.shell_form}}; }
  json operator()(const SetLabels& op) const {
    return {{"op", "SetLabels"}, {"labels", pairs_json(op.labels)}};
  }
  json operator()(const Expose& op) const { return {{"op", "Expose"}, {"ports", op.ports}}; }
  json operator()(const AddVolumes& op) const { return {{"op", "AddVolumes"}, {"paths", op.paths}}; }
  json operator()(const Healthcheck& op) const {
    return {{"op", "Healthcheck"},
            {"test", op.test},
            {"interval_ns", optional_json(op.interval_ns)},
            {"timeout_ns", optional_json(op.timeout_ns)},
            {"start_period_ns", optional_json(op.start_period_ns)},
            {"start_interval_ns", optional_json(op.start_interval_ns)},
            {"retries", optional_json(op.retries)}};
  }
  json operator()(const StopSignal& op) const { return {{"op", "StopSignal"}, {"signal", op.signal}}; }
  json operator()(const SetShell& op) const { return {{"op", "SetShell"}, {"shell", op.shell}}; }
  json operator()(const OnBuild& op) const { return {{"op", "OnBuild"}, {"instruction", op.instruction}}; }
};

json base_json(const Base& base) {
  json out = std::visit(
      [](const auto& kind) -> json {
        using T = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<T, ScratchBase>) {
          return {{"kind", "scratch"}};
        } else if constexpr (std::is_same_v<T, DistroBase>) {
          return {{"kind", "distro"},     {"reference", kind.reference}, {"distro", kind.distro},
                  {"suite", kind.suite},  {"version", kind.version},     {"slim", kind.slim},
                  {"serial", kind.serial}, {"moving", kind.moving}};
        } else if constexpr (std::is_same_v<T, ImageBase>) {
          return {{"kind", "image"}, {"reference", kind.reference}, {"digest", kind.digest}};
        } else if constexpr (std::is_same_v<T, StageBase>) {
          return {{"kind", "stage"}, {"stage", kind.stage}};
        } else {
          return {{"kind", "layout"}, {"path", kind.path}, {"tag", kind.tag}};
        }
      },
      base.kind);
  out["platform"] = base.platform;
  out["line"] = line_of(base.where);
  return out;
}

const char* outcome_name(RewriteNote::Outcome outcome) {
  switch (outcome) {
  case RewriteNote::Outcome::full: return "full";
  case RewriteNote::Outcome::partial: return "partial";
  default: return "kept";
  }
}

} // namespace

std::string plan_to_json(const Plan& plan) {
  json stages = json::array();
  for (const Stage& stage : plan.stages) {
    json ops = json::array();
    for (const Step& step : stage.steps) {
      json op = std::visit(OpJson{}, step.op);
      const Ranges& where = std::visit([](const auto& value) -> const Ranges& { return value.where; }, step.op);
      op["line"] = line_of(where);
      op["ranges"] = ranges_json(where);
      op["created_by"] = step.created_by;
      ops.push_back(std::move(op));
    }
    stages.push_back({{"index", stage.index},
                      {"name", stage.name},
                      {"line", line_of(stage.where)},
                      {"base", base_json(stage.base)},
                      {"ops", ops}});
  }
  int counts[3] = {0, 0, 0};
  int installs = 0, rewritten = 0;
  json notes = json::array();
  for (const RewriteNote& note : plan.notes) {
    counts[static_cast<int>(note.outcome)] += 1;
    installs += note.install_commands;
    rewritten += note.installs_rewritten;
    notes.push_back({{"line", line_of(note.where)},
                     {"ranges", ranges_json(note.where)},
                     {"stage", note.stage},
                     {"outcome", outcome_name(note.outcome)},
                     {"reason", note.reason},
                     {"cause", note.cause},
                     {"findings", note.findings},
                     {"install_commands", note.install_commands},
                     {"installs_rewritten", note.installs_rewritten}});
  }
  json findings = json::array();
  for (const support::Diagnostic& finding : plan.findings) {
    findings.push_back({{"severity", std::string(support::to_string(finding.severity))},
                        {"kind", finding.kind},
                        {"line", finding.where.known() ? json(finding.where.begin.line) : json(nullptr)},
                        {"message", finding.message},
                        {"hint", finding.hint}});
  }
  json out = {{"version", 1},
              {"target", plan.target},
              {"stages", stages},
              {"summary",
               {{"run_steps", plan.notes.size()},
                {"full", counts[0]},
                {"partial", counts[1]},
                {"kept", counts[2]},
                {"install_commands", installs},
                {"installs_rewritten", rewritten}}},
              {"notes", notes},
              {"findings", findings}};
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string op_fingerprint(const Op& op) {
  // CBOR keeps every byte of a string as it is (dump() would reject or
  // replace invalid UTF-8, and two different contents could then compare equal).
  const std::vector<std::uint8_t> bytes = json::to_cbor(std::visit(OpJson{}, op));
  return {bytes.begin(), bytes.end()};
}

} // namespace distill::planner
