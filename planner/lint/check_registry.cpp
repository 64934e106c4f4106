// untrusted-registry (hadolint's DL3026): images from a registry that is not
// in the configured trusted list. Inactive until a list is configured, since
// which registries a team trusts is policy, not something the file shows.

#include "planner/lint/context.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fnmatch.h>

namespace distill::planner::lint {
namespace {

using namespace frontend;

// The registry part of an image reference: the first path component when it
// looks like a host (a dot, a port or localhost), as the reference grammar
// decides; otherwise the default registry.
std::string registry_of(std::string_view reference, const std::string& default_registry) {
  const std::size_t slash = reference.find('/');
  if (slash != std::string_view::npos) {
    const std::string_view first = reference.substr(0, slash);
    if (first.find_first_of(".:") != std::string_view::npos || first == "localhost") return std::string(first);
  }
  return default_registry;
}

bool trusted(const std::string& registry, const std::vector<std::string>& patterns) {
  return std::ranges::any_of(patterns, [&](const std::string& pattern) {
    // Host names are case-insensitive; FNM_CASEFOLD compares them so.
    return ::fnmatch(pattern.c_str(), registry.c_str(), FNM_CASEFOLD) == 0;
  });
}

void check_image(const LintContext& context, std::string_view reference, const support::SourceRange& where) {
  // A reference still holding a variable is only known at build time (hadolint skips these too).
  if (reference.empty() || reference.find('$') != std::string_view::npos) return;
  const std::string registry = registry_of(reference, context.options.default_registry);
  if (registry.empty() || trusted(registry, context.options.trusted_registries)) return;
  context.report("untrusted-registry", where,
                 fmt::format("image {} comes from registry {}, which is not trusted", reference, registry));
}

bool stage_index(std::string_view from) {
  return !from.empty() && std::ranges::all_of(from, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

void check_step(const LintContext& context, const Step& step) {
  if (const auto* copy = std::get_if<CopyCommand>(&step.command)) {
    if (copy->from && copy->from_stage < 0 && !stage_index(copy->from->value)) {
      check_image(context, copy->from->value, copy->from->where);
    }
  } else if (const auto* run = std::get_if<RunCommand>(&step.command)) {
    for (const RunMount& mount : run->mounts) {
      if (!mount.from.empty() && mount.from_stage < 0 && !stage_index(mount.from)) {
        check_image(context, mount.from, mount.where);
      }
    }
  }
}

} // namespace

void check_registries(const LintContext& context) {
  if (context.options.trusted_registries.empty()) return;
  for (const Stage& stage : context.build.stages) {
    if (stage.base_kind == BaseKind::image) check_image(context, stage.base_name, stage.from.base.where);
    for (const Step& step : stage.steps) {
      if (!step.onbuild_trigger) check_step(context, step);
    }
  }
}

} // namespace distill::planner::lint
