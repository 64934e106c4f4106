#include "planner/shell/program_names.hpp"

#include <gtest/gtest.h>

namespace distill::planner::shell {
namespace {

using Names = std::vector<std::string>;

TEST(ProgramNames, TheProgramsAScriptRunsWithoutBuiltinsAndFunctions) {
  const std::string probe = "#!/bin/sh\nset -eu\nurl=\"${PROBE_URL:-x}\"\n"
                            "while true; do\n"
                            "  status=$(curl --silent \"$url\" || echo 000)\n"
                            "  printf '%s %s\\n' \"$(date -u +%s)\" \"$status\"\n"
                            "  sleep 30\n"
                            "done\n";
  EXPECT_EQ(program_names(probe), (Names{"curl", "date", "sleep"}));
  const std::string functions = "log() { logger -t app \"$@\"; }\nlog started\n[ -f /x ] && cat /x | sort -u\n"
                                "cd /tmp; exec /usr/sbin/nginx -g 'daemon off;'\n";
  EXPECT_EQ(program_names(functions), (Names{"/usr/sbin/nginx", "cat", "logger", "sort"}));
}

TEST(ProgramNames, WrappersAreProgramsAndLeadToTheirCommand) {
  EXPECT_EQ(program_names("env LANG=C nice -n 5 gzip -9 file\n"), (Names{"env", "gzip", "nice"}));
  EXPECT_EQ(program_names("command -v python3 >/dev/null || apt-get install python3\n"), (Names{"apt-get"}));
}

TEST(ProgramNames, NamesNothingCanKnowAreLeftOut) {
  EXPECT_EQ(program_names("cmd=ls\n$cmd -l\n\"$(which tool)\" --help\n"), (Names{"which"}));
  EXPECT_TRUE(program_names("if then fi (\n").empty()); // not shell
  EXPECT_TRUE(program_names(". /usr/share/lib.sh\nsetup_colors\nls\n").empty()); // may call the file's functions
}

} // namespace
} // namespace distill::planner::shell
