// COPY and ADD.

#include "planner/history.hpp"
#include "planner/lower_detail.hpp"
#include "planner/rewrite/apt_command.hpp"
#include "planner/rewrite/file_ops.hpp"

#include <algorithm>

namespace distill::planner::detail {
namespace {

// --chmod: octal when it is one, else the text as written (u=rwX,go=rX).
void set_chmod(Copy& copy, const frontend::StringFlag& chmod) {
  if (!chmod) return;
  const std::string& text = chmod->value;
  const bool octal = !text.empty() && text.size() <= 5 &&
                     std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '7'; });
  if (octal) {
    copy.chmod = static_cast<unsigned>(std::stoul(text, nullptr, 8));
  } else {
    copy.chmod_text = text;
  }
}

void fill_sources(Copy& copy, const frontend::CopySources& files, const frontend::Step& step) {
  for (const frontend::Word& source : files.sources) copy.sources.push_back(source.value);
  for (const frontend::HeredocFile& file : files.inline_sources) copy.inline_files.push_back({file.name, file.content});
  copy.dest = files.dest.value;
  copy.workdir = step.workdir;
}

void finish(LowerContext& context, Copy copy, const frontend::StringFlag& chmod, const SourceRange& where) {
  copy.where = {where};
  const std::string created_by = copy_history(copy, chmod ? chmod->value : std::string());
  const std::string dest = rewrite::absolute_path(copy.dest, copy.workdir.empty() ? "/" : copy.workdir);
  bool changes = false;
  for (const std::string& source : copy.sources) {
    const std::string base = source.substr(source.find_last_of('/') == std::string::npos ? 0 : source.find_last_of('/') + 1);
    changes = changes || rewrite::changes_apt_sources(dest, nullptr) ||
              (copy.dest.ends_with("/") && rewrite::changes_apt_sources(dest + "/" + base, nullptr));
  }
  for (const Copy::Inline& file : copy.inline_files) {
    const std::string target = copy.dest.ends_with("/") ? dest + "/" + file.name : dest;
    changes = changes || rewrite::changes_apt_sources(target, &file.content);
  }
  if (changes) {
    context.state.sources_changed =
        "line " + std::to_string(where.begin.line) + ": " + (copy.add ? "ADD" : "COPY") + " into " + dest;
  }
  context.stage.steps.push_back({std::move(copy), created_by});
}

} // namespace

void lower_copy(LowerContext& context, const frontend::Step& step, const frontend::CopyCommand& source) {
  Copy copy;
  fill_sources(copy, source.files, step);
  if (source.from) {
    copy.from = source.from->value;
    copy.from_stage = resolve_stage(context.build, copy.from, context.stage.index);
  }
  if (source.chown) copy.chown = source.chown->value;
  set_chmod(copy, source.chmod);
  copy.link = source.link.value;
  copy.parents = source.parents.value;
  for (const frontend::Word& exclude : source.excludes) copy.excludes.push_back(exclude.value);
  finish(context, std::move(copy), source.chmod, source.where);
}

void lower_add(LowerContext& context, const frontend::Step& step, const frontend::AddCommand& source) {
  Copy copy;
  copy.add = true;
  fill_sources(copy, source.files, step);
  if (source.chown) copy.chown = source.chown->value;
  set_chmod(copy, source.chmod);
  copy.link = source.link.value;
  copy.keep_git_dir = source.keep_git_dir.value;
  if (source.checksum) copy.checksum = source.checksum->value;
  if (source.unpack.present) copy.unpack = source.unpack.value;
  for (const frontend::Word& exclude : source.excludes) copy.excludes.push_back(exclude.value);
  finish(context, std::move(copy), source.chmod, source.where);
}

} // namespace distill::planner::detail
