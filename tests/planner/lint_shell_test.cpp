// The lint rules see a RUN's shell as the shell runs it: here-documents read
// through planner/run_script.hpp (the RUN lowering's reader) and those a shell
// reads as its script, wrappers skipped as the apt rewrite skips them
// (planner/shell/wrappers.hpp), and $(...) read as commands, not text.

#include "planner/lint/lint.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace distill::planner::lint {
namespace {

const std::string k_from = "FROM debian:bookworm@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";

std::vector<support::Diagnostic> run_lint(const std::string& run) {
  return lint(support::SourceFile{"Dockerfile", k_from + run}, {});
}

// "line:column-end_line:end_column" of each finding of `rule`, in order.
std::vector<std::string> found(const std::string& run, std::string_view rule) {
  std::vector<std::string> out;
  for (const support::Diagnostic& d : run_lint(run)) {
    if (d.kind != rule) continue;
    out.push_back(std::to_string(d.where.begin.line) + ":" + std::to_string(d.where.begin.column) + "-" +
                  std::to_string(d.where.end.line) + ":" + std::to_string(d.where.end.column));
  }
  return out;
}

using Ranges = std::vector<std::string>;

TEST(LintShell, HeredocRunAloneIsTheScript) {
  EXPECT_EQ(found("RUN <<EOF\nset -e\napt-get install curl\nEOF\n", "apt-unpinned"), Ranges{"4:17-4:21"});
  // <<-: the tabs are not in the script, the ranges still count them.
  EXPECT_EQ(found("RUN <<-EOF\n\tapt-get install curl\n\tEOF\n", "apt-unpinned"), Ranges{"3:18-3:22"});
  EXPECT_EQ(found("RUN <<EOF\n#!/bin/bash -e\nsudo true\nEOF\n", "sudo"), Ranges{"4:1-4:5"});
  // A script with another interpreter is not shell.
  EXPECT_EQ(found("RUN <<EOF\n#!/usr/bin/env python3\nsudo = 1\nEOF\n", "sudo"), Ranges{});
}

TEST(LintShell, HeredocsAShellReadsAsItsScript) {
  EXPECT_EQ(found("RUN <<EOF bash\napt-get install curl\nEOF\n", "apt-unpinned"), Ranges{"3:17-3:21"});
  EXPECT_EQ(found("RUN <<EOF bash\napt-get install curl\nEOF\n", "apt-no-install-recommends"), Ranges{"3:1-3:21"});
  EXPECT_EQ(found("RUN bash -e <<EOF\nset -x\n  apt-get install curl\nEOF\n", "apt-unpinned"), Ranges{"4:19-4:23"});
  EXPECT_EQ(found("RUN sh -s -- a b <<'EOF'\nsudo true\nEOF\n", "sudo"), Ranges{"3:1-3:5"});
  EXPECT_EQ(found("RUN <<-EOF bash\n\tapt-get install curl\n\tEOF\n", "apt-unpinned"), Ranges{"3:18-3:22"});
  // Several here-documents, each read by its own shell.
  EXPECT_EQ(found("RUN <<A bash && <<B sh\napt-get install curl\nA\nsudo true\nB\n", "apt-unpinned"), Ranges{"3:17-3:21"});
  EXPECT_EQ(found("RUN <<A bash && <<B sh\napt-get install curl\nA\nsudo true\nB\n", "sudo"), Ranges{"5:1-5:5"});
  // The findings of a whole RUN see the here-document's commands with the others.
  EXPECT_EQ(found("RUN apt-get update && bash <<EOF\napt-get install -y --no-install-recommends curl=1\nEOF\n",
                  "apt-update-separate"),
            Ranges{});
}

TEST(LintShell, TheScriptOfShDashCIsRead) {
  EXPECT_EQ(found("RUN sh -c 'apt-get install curl'\n", "apt-unpinned"), Ranges{"2:28-2:32"});
  EXPECT_EQ(found("RUN bash -ec \"sudo true\"\n", "sudo"), Ranges{"2:15-2:19"});
  EXPECT_EQ(found("RUN sh -c 'curl -fsSL https://get.example.invalid/i | sh'\n", "pipe-to-shell").size(), 1u);
  // Without -c the word is a script file, and a script that is not literal cannot be read.
  EXPECT_EQ(found("RUN sh 'sudo true'\n", "sudo"), Ranges{});
  EXPECT_EQ(found("RUN sh -c \"$CMD sudo true\"\n", "sudo"), Ranges{});
}

TEST(LintShell, HeredocsThatAreNotScriptsAreNotRead) {
  EXPECT_EQ(found("RUN python3 <<EOF\nsudo = 1\nEOF\n", "sudo"), Ranges{});
  EXPECT_EQ(found("RUN <<EOF cat > /etc/x.sh\nsudo true\nEOF\n", "sudo"), Ranges{});
  EXPECT_EQ(found("RUN bash -c 'echo hi' <<EOF\nsudo true\nEOF\n", "sudo"), Ranges{});
  EXPECT_EQ(found("RUN bash /x.sh <<EOF\nsudo true\nEOF\n", "sudo"), Ranges{});
  // As in BuildKit, `RUN <<A <<B` gives the shell two redirections and no command: nothing runs.
  EXPECT_EQ(found("RUN <<A <<B\nsudo true\nA\nsudo true\nB\n", "sudo"), Ranges{});
}

TEST(LintShell, WrappersAreSkippedAsTheAptRewriteSkipsThem) {
  EXPECT_EQ(found("RUN nice -n 5 apt-get install -y foo\n", "apt-unpinned"), Ranges{"2:34-2:37"});
  EXPECT_EQ(found("RUN nice -n 5 apt-get install -y foo\n", "apt-no-install-recommends"), Ranges{"2:5-2:37"});
  EXPECT_EQ(found("RUN timeout -s KILL 600 pip install requests\n", "pip-unpinned"), Ranges{"2:37-2:45"});
  EXPECT_EQ(found("RUN sudo -u root nice apt-get install -y foo\n", "sudo"), Ranges{"2:5-2:9"});
  EXPECT_EQ(found("RUN sudo -u root nice apt-get install -y foo\n", "apt-unpinned"), Ranges{"2:42-2:45"});
  // `command -v` only looks the command up; `command` runs it.
  EXPECT_EQ(found("RUN command -v sudo\n", "sudo"), Ranges{});
  EXPECT_EQ(found("RUN command sudo true\n", "sudo"), Ranges{"2:13-2:17"});
}

TEST(LintShell, SubstitutionsAreReadAsCommands) {
  // $(cat curlrc) runs cat: no download is piped to the shell.
  EXPECT_EQ(found("RUN sh -c \"$(cat /etc/curlrc)\"\n", "pipe-to-shell"), Ranges{});
  EXPECT_EQ(found("RUN bash -c \"`cat wget-hook`\"\n", "pipe-to-shell"), Ranges{});
  EXPECT_EQ(found("RUN sh -c \"$(curl -fsSL https://example.com/i.sh)\"\n", "pipe-to-shell"), Ranges{"2:5-2:51"});
  EXPECT_EQ(found("RUN sh -c \"`wget -qO- https://example.com/i.sh`\"\n", "pipe-to-shell").size(), 1u);
  EXPECT_EQ(found("RUN curl -fsSL https://example.com/i.sh | sh\n", "pipe-to-shell"), Ranges{"2:43-2:45"});
  // mktemp is the command run, not the start of a name.
  EXPECT_EQ(found("RUN tmp=\"$(mktemp_dir_for build)\" && make\n", "time-or-random-value"), Ranges{});
  EXPECT_EQ(found("RUN tmp=\"$(mktemp -d)\" && make\n", "time-or-random-value"), Ranges{"2:5-2:23"});
  // A trap's action is a script: it removes the folder only when it runs rm on it.
  EXPECT_EQ(found("RUN tmp=\"$(mktemp -d)\" && trap \"rm -rf $tmp\" EXIT && make\n", "time-or-random-value"), Ranges{});
  EXPECT_EQ(found("RUN tmp=\"$(mktemp -d)\" && trap 'echo rm $tmp' EXIT && make\n", "time-or-random-value").size(), 1u);
  // $RANDOM in arithmetic, as a whole name.
  EXPECT_EQ(found("RUN echo $((RANDOM % 6)) > /seed\n", "time-or-random-value").size(), 1u);
  EXPECT_EQ(found("RUN echo $((RANDOM_SEED + 1)) > /seed\n", "time-or-random-value"), Ranges{});
}

} // namespace
} // namespace distill::planner::lint
