#include "planner/plan_dump.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace distill::planner {
namespace {

std::string join(const std::vector<std::string>& items, const char* separator = " ") {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// A word as is when it is plain, else quoted.
std::string word(const std::string& text) {
  const bool plain = !text.empty() && text.find_first_of(" \t\n\"'\\[]") == std::string::npos;
  return plain ? text : quoted(text);
}

std::string array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i ? ", " : "") + quoted(items[i]);
  }
  return out + "]";
}

std::string octal(unsigned mode) { return fmt::format("{:04o}", mode); }

std::string package(const PackageRequest& request) {
  if (request.from_base_env) return word(request.from_base_env->word);
  std::string out = request.name;
  if (!request.arch.empty()) out += ":" + request.arch;
  if (!request.suite.empty()) out += "/" + request.suite;
  if (!request.version.empty()) out += "=" + request.version;
  return out;
}

std::string duration(long long ns) {
  if (ns % 1'000'000'000LL == 0) return fmt::format("{}s", ns / 1'000'000'000LL);
  if (ns % 1'000'000LL == 0) return fmt::format("{}ms", ns / 1'000'000LL);
  return fmt::format("{}ns", ns);
}

struct Describe {
  std::string operator()(const InstallPackages& op) const {
    std::vector<std::string> parts = {"InstallPackages"};
    if (!op.save_manual.empty()) parts.push_back("[save-manual=" + op.save_manual + "]");
    if (!op.upgrade.empty()) parts.push_back("[" + op.upgrade + "]");
    for (const PackageRequest& request : op.packages) parts.push_back(package(request));
    if (!op.packages.empty() && !op.recommends) parts.push_back("[no-recommends]");
    std::vector<std::string> base_env;
    for (const PackageRequest& request : op.packages) {
      if (!request.from_base_env) continue;
      for (const std::string& name : request.from_base_env->names) {
        if (std::ranges::find(base_env, "$" + name) == base_env.end()) base_env.push_back("$" + name);
      }
    }
    if (!base_env.empty()) parts.push_back("[expanded at lock from the base image's env: " + join(base_env, ", ") + "]");
    if (!op.default_release.empty()) parts.push_back("[release=" + op.default_release + "]");
    if (!op.mark_auto.empty()) parts.push_back("[mark-auto " + join(op.mark_auto) + "]");
    if (!op.mark_manual.empty()) parts.push_back("[mark-manual " + join(op.mark_manual) + "]");
    if (!op.restore_manual.empty()) parts.push_back("[restore-manual=" + op.restore_manual + "]");
    if (!op.remove.empty()) parts.push_back("[remove " + join(op.remove) + "]");
    if (!op.purge.empty()) parts.push_back("[purge " + join(op.purge) + "]");
    if (op.auto_remove) parts.push_back(op.autoremove_keeps_recommends ? "[auto-remove]" : "[auto-remove, recommends not important]");
    return join(parts);
  }
  std::string operator()(const Run& op) const {
    std::string out = "Run ";
    if (op.shell_form) {
      const bool default_shell = op.shell.empty() || op.shell == std::vector<std::string>{"/bin/sh", "-c"};
      out += default_shell ? quoted(op.script) : array(op.shell) + " " + quoted(op.script);
    } else {
      out += array(op.argv);
    }
    if (!op.user.empty()) out += " [user=" + op.user + "]";
    if (!op.workdir.empty() && op.workdir != "/") out += " [workdir=" + op.workdir + "]";
    if (!op.network.empty()) out += " [network=" + op.network + "]";
    if (!op.security.empty()) out += " [security=" + op.security + "]";
    for (const Mount& mount : op.mounts) {
      static const char* k_types[] = {"bind", "cache", "tmpfs", "secret", "ssh"};
      out += std::string(" [mount=") + k_types[static_cast<int>(mount.type)] + ":" + mount.target;
      if (!mount.from.empty()) out += " from=" + mount.from;
      out += "]";
    }
    for (const Run::File& file : op.heredocs) out += " [heredoc " + file.name + "]";
    if (!op.saved_manual.empty()) out += " [saved-manual " + join(op.saved_manual) + "]";
    return out;
  }
  std::string operator()(const Copy& op) const {
    std::vector<std::string> sources;
    for (const std::string& source : op.sources) sources.push_back(word(source));
    for (const Copy::Inline& file : op.inline_files) sources.push_back("<<" + file.name);
    std::string out = std::string(op.add ? "Add " : "Copy ") + join(sources) + " -> " + word(op.dest);
    if (!op.from.empty()) out += " [from=" + op.from + (op.from_stage >= 0 ? fmt::format(" (stage {})", op.from_stage) : "") + "]";
    if (!op.chown.empty()) out += " [chown=" + op.chown + "]";
    if (op.chmod) out += " [chmod=" + octal(*op.chmod) + "]";
    if (!op.chmod_text.empty()) out += " [chmod=" + op.chmod_text + "]";
    if (op.link) out += " [link]";
    if (op.parents) out += " [parents]";
    for (const std::string& exclude : op.excludes) out += " [exclude=" + exclude + "]";
    if (!op.checksum.empty()) out += " [checksum=" + op.checksum + "]";
    if (op.unpack) out += *op.unpack ? " [unpack]" : " [no-unpack]";
    if (op.keep_git_dir) out += " [keep-git-dir]";
    if (!op.workdir.empty() && op.workdir != "/" && !op.dest.starts_with("/")) out += " [workdir=" + op.workdir + "]";
    return out;
  }
  std::string operator()(const Mkdir& op) const {
    return "Mkdir " + word(op.path) + (op.mode != 0755 ? " [mode=" + octal(op.mode) + "]" : "") +
           (op.parents ? "" : " [no-parents]");
  }
  std::string operator()(const Symlink& op) const {
    return "Symlink " + word(op.path) + " -> " + word(op.target) + (op.force ? " [force]" : "") +
           (op.no_target_directory ? " [no-target-directory]" : "");
  }
  std::string operator()(const WriteFile& op) const {
    return "WriteFile " + word(op.path) + " " + quoted(op.content) + (op.append ? " [append]" : "") +
           (op.mode != 0644 ? " [mode=" + octal(op.mode) + "]" : "");
  }
  std::string operator()(const Remove& op) const {
    return "Remove " + word(op.path) + (op.recursive ? " [recursive]" : "") + (op.force ? " [force]" : "") +
           (op.cache_cleanup ? " [apt cache]" : "");
  }
  std::string operator()(const Chmod& op) const {
    std::vector<std::string> paths;
    for (const std::string& path : op.paths) paths.push_back(word(path));
    return "Chmod " + op.mode + " " + join(paths) + (op.recursive ? " [recursive]" : "");
  }
  std::string operator()(const Chown& op) const {
    std::vector<std::string> paths;
    for (const std::string& path : op.paths) paths.push_back(word(path));
    return "Chown " + op.owner + " " + join(paths) + (op.recursive ? " [recursive]" : "");
  }
  std::string operator()(const AddUser& op) const {
    std::string out = "AddUser " + op.name;
    if (op.uid) out += fmt::format(" [uid={}]", *op.uid);
    if (op.gid) out += fmt::format(" [gid={}]", *op.gid);
    if (!op.group.empty()) out += " [group=" + op.group + "]";
    if (!op.groups.empty()) out += " [groups=" + join(op.groups, ",") + "]";
    if (!op.home.empty()) out += " [home=" + word(op.home) + "]";
    if (!op.shell.empty()) out += " [shell=" + word(op.shell) + "]";
    if (!op.gecos.empty()) out += " [gecos=" + quoted(op.gecos) + "]";
    if (op.system) out += " [system]";
    if (op.create_home) out += " [create-home]";
    if (op.create_group) out += " [create-group]";
    if (!op.tool.empty()) out += " [" + op.tool + "]";
    return out;
  }
  std::string operator()(const AddGroup& op) const {
    std::string out = "AddGroup " + op.name;
    if (op.gid) out += fmt::format(" [gid={}]", *op.gid);
    if (op.system) out += " [system]";
    if (!op.tool.empty()) out += " [" + op.tool + "]";
    return out;
  }
  std::string operator()(const SetEnv& op) const {
    std::vector<std::string> parts;
    for (const auto& [key, value] : op.values) parts.push_back(key + "=" + word(value));
    return "SetEnv " + join(parts);
  }
  std::string operator()(const SetWorkdir& op) const { return "SetWorkdir " + word(op.path); }
  std::string operator()(const SetUser& op) const { return "SetUser " + word(op.user); }
  std::string operator()(const SetEntrypoint& op) const { return "SetEntrypoint " + array(op.argv); }
  std::string operator()(const SetCmd& op) const { return "SetCmd " + array(op.argv); }
  std::string operator()(const SetLabels& op) const {
    std::vector<std::string> parts;
    for (const auto& [key, value] : op.labels) parts.push_back(word(key) + "=" + word(value));
    return "SetLabels " + join(parts);
  }
  std::string operator()(const Expose& op) const { return "Expose " + join(op.ports); }
  std::string operator()(const AddVolumes& op) const { return "AddVolumes " + array(op.paths); }
  std::string operator()(const Healthcheck& op) const {
    std::string out = "Healthcheck " + array(op.test);
    if (op.interval_ns) out += " [interval=" + duration(*op.interval_ns) + "]";
    if (op.timeout_ns) out += " [timeout=" + duration(*op.timeout_ns) + "]";
    if (op.start_period_ns) out += " [start-period=" + duration(*op.start_period_ns) + "]";
    if (op.start_interval_ns) out += " [start-interval=" + duration(*op.start_interval_ns) + "]";
    if (op.retries) out += fmt::format(" [retries={}]", *op.retries);
    return out;
  }
  std::string operator()(const StopSignal& op) const { return "StopSignal " + op.signal; }
  std::string operator()(const SetShell& op) const { return "SetShell " + array(op.shell); }
  std::string operator()(const OnBuild& op) const { return "OnBuild " + quoted(op.instruction); }
};

std::string line_of(const Ranges& where) {
  if (where.empty() || !where.front().known()) return "-";
  return std::to_string(where.front().begin.line);
}

const char* outcome_name(RewriteNote::Outcome outcome) {
  switch (outcome) {
  case RewriteNote::Outcome::full: return "rewritten";
  case RewriteNote::Outcome::partial: return "partly rewritten";
  default: return "kept";
  }
}

} // namespace

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    default: out.push_back(c);
    }
  }
  return out + "\"";
}

std::string describe_op(const Op& op) { return std::visit(Describe{}, op); }

std::string describe_base(const Base& base, const Plan& plan) {
  std::string out = std::visit(
      [&](const auto& kind) -> std::string {
        using T = std::decay_t<decltype(kind)>;
        if constexpr (std::is_same_v<T, ScratchBase>) {
          return "scratch";
        } else if constexpr (std::is_same_v<T, DistroBase>) {
          std::string text = kind.reference + " (distro " + kind.distro + " " + kind.suite;
          if (!kind.version.empty()) text += " " + kind.version;
          if (kind.slim) text += ", slim";
          if (!kind.serial.empty()) text += ", serial " + kind.serial;
          if (kind.moving) text += ", moving";
          return text + ")";
        } else if constexpr (std::is_same_v<T, ImageBase>) {
          return kind.reference + " (image" + (kind.digest.empty() ? "" : " " + kind.digest) + ")";
        } else if constexpr (std::is_same_v<T, StageBase>) {
          for (const Stage& stage : plan.stages) {
            if (stage.index == kind.stage) {
              return "stage " + std::to_string(kind.stage) + (stage.name.empty() ? "" : " (" + stage.name + ")");
            }
          }
          return "stage " + std::to_string(kind.stage);
        } else {
          return "oci-layout://" + kind.path + (kind.tag.empty() ? "" : ":" + kind.tag) + " (layout)";
        }
      },
      base.kind);
  if (!base.platform.empty()) out += " [platform=" + base.platform + "]";
  return out;
}

std::string dump_plan(const Plan& plan) {
  std::string out;
  for (const Stage& stage : plan.stages) {
    out += fmt::format("stage {}{}: FROM {}  # line {}\n", stage.index, stage.name.empty() ? "" : " " + stage.name,
                       describe_base(stage.base, plan), line_of(stage.where));
    for (const Step& step : stage.steps) {
      const Ranges* where = std::visit([](const auto& op) { return &op.where; }, step.op);
      out += fmt::format("  {:>4}  {}\n", line_of(*where), describe_op(step.op));
    }
  }
  if (plan.target >= 0 && plan.target < static_cast<int>(plan.stages.size())) {
    out += fmt::format("target: stage {}\n", plan.stages[plan.target].index);
  }
  int counts[3] = {0, 0, 0};
  int installs = 0, rewritten = 0;
  for (const RewriteNote& note : plan.notes) {
    counts[static_cast<int>(note.outcome)] += 1;
    installs += note.install_commands;
    rewritten += note.installs_rewritten;
  }
  out += fmt::format("\nRUN steps: {} (rewritten fully: {}, partly: {}, kept: {})\n", plan.notes.size(), counts[0],
                     counts[1], counts[2]);
  out += fmt::format("apt-get install commands: {}, as InstallPackages: {}\n", installs, rewritten);
  for (const RewriteNote& note : plan.notes) {
    if (note.outcome != RewriteNote::Outcome::full) {
      out += fmt::format("  line {} {}: {} [{}]\n", line_of(note.where), outcome_name(note.outcome), note.reason,
                         note.cause);
    }
  }
  for (const RewriteNote& note : plan.notes) {
    for (const std::string& finding : note.findings) {
      out += fmt::format("  line {} note: {}\n", line_of(note.where), finding);
    }
  }
  for (const support::Diagnostic& finding : plan.findings) {
    out += fmt::format("  line {} {}: {} [{}]\n", finding.where.known() ? std::to_string(finding.where.begin.line) : "-",
                       support::to_string(finding.severity), finding.message, finding.kind);
  }
  return out;
}

} // namespace distill::planner
