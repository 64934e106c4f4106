#pragma once

// The script a shell-form RUN hands its shell, built from the instruction as
// BuildKit builds it, and where its bytes are in the Dockerfile. The RUN
// lowering (lower_run.cpp) and the linter (lint/run_view.cpp) both read RUN
// steps through this, so they read the same text:
//
//   RUN apt-get update                the command line
//   RUN <<EOF / RUN <<-EOF            the here-document alone is the script
//   RUN <<EOF bash, RUN bash <<EOF,   the command line and the here-documents,
//   RUN <<A <<B ...                   joined again for the shell to read

#include "frontend/instructions.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace distill::planner {

struct RunScript {
  std::string text;         // what the shell runs
  std::size_t start = 0;    // file offset of the first byte of `text`
  bool strip_tabs = false;  // `RUN <<-EOF`: the leading tabs of its lines are not in `text`
  const frontend::HeredocFile* heredoc = nullptr; // the here-document run alone, when `text` is one

  // `#!/usr/bin/env python3` -> "/usr/bin/env python3": a here-document run
  // alone with its own interpreter; empty when the shell runs `text`.
  std::string interpreter() const;
};

// The script of a shell-form RUN (`run.command.shell_form`); in exec form,
// the first element as written.
RunScript run_script(const frontend::RunCommand& run);

// A here-document's body as the command reading it gets it: `<<-` strips
// the leading tabs of its lines.
std::string heredoc_content(const frontend::HeredocFile& file);

// True for the names of POSIX-style shells (sh, bash, dash, ash, ksh, zsh),
// without their folder.
bool is_shell_name(std::string_view name);

} // namespace distill::planner
