// BuildKit's CopyIgnoredFile (dockerfile-language.md section 11): a COPY or
// ADD source from the build context that the context's .dockerignore
// excludes, so the build cannot find it. As in BuildKit, an ignore file with
// `!` exceptions is not checked (a folder may be excluded and a file in it
// let back in), and the source is matched as written after expansion and
// cleaning, wildcards included.

#include "frontend/go_path.hpp"
#include "frontend/go_quote.hpp"
#include "planner/lint/context.hpp"

#include <string>

#include <fmt/format.h>

namespace distill::planner::lint {
namespace {

using namespace frontend;

void check_sources(const LintContext& context, const IgnoreMatcher& matcher, const CopySources& files,
                   std::string_view verb) {
  for (const Word& source : files.sources) {
    if (source.value.empty() || is_url(source.value) || is_git(source.value)) continue;
    const std::string path = go_clean_path(source.value);
    const auto ignored = ignore_matches(matcher, path);
    if (!ignored || !*ignored) continue; // a pattern that does not compile fails the build elsewhere
    context.report("CopyIgnoredFile", source.where,
                   fmt::format("Attempting to {} file {} that is excluded by .dockerignore", verb, go_quote(path)));
  }
}

} // namespace

void check_copy_ignored(const LintContext& context) {
  if (!context.options.context_ignore) return;
  const IgnoreMatcher& matcher = *context.options.context_ignore;
  if (matcher.patterns.empty() || matcher.exclusions) return;
  for (const Stage& stage : context.build.stages) {
    for (const Step& step : stage.steps) {
      if (step.onbuild_trigger) continue;
      if (const auto* copy = std::get_if<CopyCommand>(&step.command)) {
        // --from copies from a stage, an image or a named context, not from this context.
        if (!copy->from || copy->from->raw.empty()) check_sources(context, matcher, copy->files, "Copy");
      } else if (const auto* add = std::get_if<AddCommand>(&step.command)) {
        check_sources(context, matcher, add->files, "Add");
      }
    }
  }
}

} // namespace distill::planner::lint
