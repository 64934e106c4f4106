// FROM, USER, ADD/COPY and ARG/ENV rules.

#include "planner/lint/context.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include <fmt/format.h>

namespace distill::planner::lint {
namespace {

using namespace frontend;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void check_base(const LintContext& context, const Stage& stage) {
  if (stage.base_kind != BaseKind::image) return;
  const Word& base = stage.from.base;
  // hadolint exempts names built from an ARG: the value is only known at build time.
  if (base.raw.starts_with('$') || stage.base_name.empty()) return;
  const std::string& ref = stage.base_name;
  const std::size_t at = ref.find('@');
  const bool digest = at != std::string::npos;
  const std::string_view name = std::string_view(ref).substr(0, digest ? at : ref.size());
  const std::size_t slash = name.rfind('/');
  const std::size_t colon = name.find(':', slash == std::string_view::npos ? 0 : slash);
  const std::string_view tag = colon == std::string_view::npos ? "" : name.substr(colon + 1);
  if (digest) return;
  if (tag.empty()) {
    context.report("base-image-no-tag", base.where, fmt::format("base image {} has neither a tag nor a digest", ref));
  } else if (tag == "latest") {
    context.report("base-image-latest", base.where, fmt::format("base image {} uses the 'latest' tag", ref));
  }
  context.report("base-image-no-digest", base.where, fmt::format("base image {} is not pinned by digest", ref));
}

bool is_root_user(std::string_view user) {
  const std::string_view name = user.substr(0, user.find(':'));
  return name == "root" || name == "0";
}

void check_final_user(const LintContext& context) {
  const auto& stages = context.build.stages;
  if (stages.empty()) return;
  int index = context.build.target >= 0 ? context.build.target : static_cast<int>(stages.size()) - 1;
  const Stage& final_stage = stages[static_cast<std::size_t>(index)];
  // The last USER of the stage, or of the stages it is built on.
  for (int guard = 0; index >= 0 && guard < static_cast<int>(stages.size()); ++guard) {
    const Stage& stage = stages[static_cast<std::size_t>(index)];
    for (auto step = stage.steps.rbegin(); step != stage.steps.rend(); ++step) {
      if (const auto* user = std::get_if<UserCommand>(&step->command)) {
        if (is_root_user(user->user.value)) {
          context.report("final-user-root", user->user.where,
                         fmt::format("the final stage runs as {}", user->user.value));
        }
        return;
      }
    }
    if (stage.base_kind != BaseKind::stage) break;
    index = stage.base_stage;
  }
  context.report("final-user-root", final_stage.from.where,
                 "the final stage has no USER and runs as the base image's user (root unless the image sets one)");
  context.findings.back().severity = support::Severity::info;
}

bool is_archive(std::string_view source) {
  static constexpr std::array<std::string_view, 12> k_suffixes = {
      ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".gz", ".bz2", ".xz"};
  const std::string name = lower(source);
  return std::ranges::any_of(k_suffixes, [&](std::string_view suffix) { return name.ends_with(suffix); });
}

bool mode_777(std::string_view mode) { return mode == "777" || mode == "0777" || mode == "a+rwx"; }

void check_add(const LintContext& context, const AddCommand& add) {
  bool local_plain = false;
  for (const Word& source : add.files.sources) {
    if (is_url(source.value)) {
      if (!add.checksum) {
        context.report("add-url-no-checksum", source.where,
                       fmt::format("ADD of {} without --checksum", source.value));
      }
    } else if (!is_git(source.value) && !is_archive(source.value) && source.value.find('$') == std::string::npos) {
      local_plain = true;
    }
  }
  if (local_plain) context.report("add-instead-of-copy", add.keyword_where);
  if (add.chmod && mode_777(add.chmod->value)) context.report("chmod-777", add.chmod->where);
}

bool secret_like(std::string_view name) {
  static constexpr std::array<std::string_view, 10> k_secret = {
      "apikey", "auth", "credential", "credentials", "key", "password", "pword", "passwd", "secret", "token"};
  static constexpr std::array<std::string_view, 3> k_allowed = {"public", "file", "version"};
  bool secret = false;
  std::size_t begin = 0;
  const std::string text = lower(name);
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find('_', begin), text.size());
    const std::string_view segment = std::string_view(text).substr(begin, end - begin);
    if (std::ranges::find(k_allowed, segment) != k_allowed.end()) return false;
    if (std::ranges::find(k_secret, segment) != k_secret.end()) secret = true;
    begin = end + 1;
  }
  return secret;
}

void check_args(const LintContext& context, const ArgCommand& arg) {
  for (const ArgDecl& decl : arg.args) {
    if (secret_like(decl.name.value)) {
      context.report("SecretsUsedInArgOrEnv", decl.name.where,
                     fmt::format("do not use ARG or ENV instructions for sensitive data (ARG \"{}\")", decl.name.value));
    }
  }
}

void check_command(const LintContext& context, const Command& command) {
  if (const auto* add = std::get_if<AddCommand>(&command)) {
    check_add(context, *add);
  } else if (const auto* copy = std::get_if<CopyCommand>(&command)) {
    if (copy->chmod && mode_777(copy->chmod->value)) context.report("chmod-777", copy->chmod->where);
  } else if (const auto* arg = std::get_if<ArgCommand>(&command)) {
    check_args(context, *arg);
  } else if (const auto* env = std::get_if<EnvCommand>(&command)) {
    for (const KeyValue& pair : env->env) {
      if (secret_like(pair.key.value)) {
        context.report("SecretsUsedInArgOrEnv", pair.key.where,
                       fmt::format("do not use ARG or ENV instructions for sensitive data (ENV \"{}\")", pair.key.value));
      }
    }
  }
}

} // namespace

bool is_url(std::string_view source) {
  return source.starts_with("http://") || source.starts_with("https://");
}

bool is_git(std::string_view source) {
  return source.starts_with("git@") || source.starts_with("git://") || source.ends_with(".git") ||
         source.find(".git#") != std::string_view::npos;
}

void check_stages(const LintContext& context) {
  for (const ArgCommand& arg : context.build.global_arg_commands) check_args(context, arg);
  for (const Stage& stage : context.build.stages) {
    check_base(context, stage);
    for (const Step& step : stage.steps) {
      if (!step.onbuild_trigger) check_command(context, step.command);
    }
  }
  check_final_user(context);
}

} // namespace distill::planner::lint
