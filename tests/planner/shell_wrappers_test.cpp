// planner/shell/wrappers.hpp: which word names the command that runs.

#include "planner/shell/reader.hpp"
#include "planner/shell/walk.hpp"
#include "planner/shell/wrappers.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace distill::planner::shell {
namespace {

// The command word after the wrappers ("" when none is left), and the wrappers skipped.
std::string started(const std::string& text, std::vector<std::string>* wrappers = nullptr) {
  const Script script = read_script(text);
  const std::vector<FlatCommand> flat = flatten(script);
  EXPECT_EQ(flat.size(), 1u) << text;
  if (flat.empty()) return "?";
  const std::vector<Word>& words = flat.front().command->words;
  const CommandStart start = command_start(words);
  if (wrappers != nullptr) {
    for (std::size_t i : start.wrappers) wrappers->push_back(words[i].text);
  }
  return start.index < words.size() ? words[start.index].text : "";
}

TEST(ShellWrappers, SkipsWrappersWithTheirOptions) {
  // The command line, and the word that names the command it runs.
  const std::pair<std::string, std::string> k_cases[] = {
      {"apt-get install x", "apt-get"},
      {"sudo -E apt-get install x", "apt-get"},
      {"sudo -u app -g staff make", "make"},
      {"sudo -uapp make", "make"},
      {"sudo --user=app make", "make"},
      {"sudo --user app make", "make"},
      {"sudo DEBIAN_FRONTEND=noninteractive apt-get install x", "apt-get"},
      {"/usr/bin/sudo -- make", "make"},
      {"env -i A=1 B=\"$HOME/x\" make", "make"},
      {"env -u LANG make", "make"},
      {"nice -n 5 make", "make"},
      {"nice -n5 make", "make"},
      {"nice --adjustment=5 make", "make"},
      {"nice -10 make", "make"},
      {"ionice -c3 make", "make"},
      {"ionice -c 2 -n 7 make", "make"},
      {"nohup make", "make"},
      {"time -p make", "make"},
      {"time -f %e -o /tmp/t make", "make"},
      {"command -p make", "make"},
      {"exec -a name make", "make"},
      {"eatmydata make", "make"},
      {"stdbuf -oL -e 0 make", "make"},
      {"timeout 60 make", "make"},
      {"timeout -k 5 --signal=KILL 60s make", "make"},
      {"doas -u root make", "make"},
  };
  for (const auto& [text, command] : k_cases) EXPECT_EQ(started(text), command) << text;
}

TEST(ShellWrappers, ChainsWrappersAndRecordsThem) {
  std::vector<std::string> wrappers;
  EXPECT_EQ(started("sudo -E nice -n 5 env A=b timeout 60 make", &wrappers), "make");
  EXPECT_EQ(wrappers, (std::vector<std::string>{"sudo", "nice", "env", "timeout"}));
}

TEST(ShellWrappers, AWrapperThatRunsNothingIsTheCommand) {
  EXPECT_EQ(started("command -v apt-get"), "command");
  EXPECT_EQ(started("sudo -l"), "sudo");
  EXPECT_EQ(started("sudo -lU app"), "sudo");
  EXPECT_EQ(started("env -S 'make all'"), "env");
  EXPECT_EQ(started("ionice -p 1"), "ionice");
  std::vector<std::string> wrappers;
  EXPECT_EQ(started("nice command -V make", &wrappers), "command");
  EXPECT_EQ(wrappers, (std::vector<std::string>{"nice"}));
}

TEST(ShellWrappers, OnlyLiteralNamesAreWrappersAndXargsIsNotOne) {
  EXPECT_EQ(started("$SUDO make"), "$SUDO");
  EXPECT_EQ(started("\"sudo\" make"), "make"); // quotes removed: still the word sudo
  EXPECT_EQ(started("xargs -r apt-get install -y"), "xargs");
  EXPECT_EQ(started("sudo"), "");
  EXPECT_EQ(started("env A=b"), "");
  EXPECT_EQ(started("nice -n"), "");
  EXPECT_EQ(started("sudo -E $CMD x"), "$CMD");
}

} // namespace
} // namespace distill::planner::shell
