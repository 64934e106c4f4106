#include "planner/shell/expand.hpp"
#include "planner/shell/reader.hpp"
#include "planner/shell/walk.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace distill::planner::shell {
namespace {

// One line per simple command: connector, context letters, words (literal
// words by value, others as written in {}), redirections.
std::string describe(const Script& script) {
  std::string out;
  for (const FlatCommand& flat : flatten(script)) {
    static const char* k_connectors[] = {"", ";", "\\n", "&&", "||", "|", "&"};
    out += "[";
    out += k_connectors[static_cast<int>(flat.before)];
    out += "]";
    std::string context;
    if (flat.in_condition) context += 'c';
    if (flat.in_branch) context += 'b';
    if (flat.in_loop) context += 'l';
    if (flat.in_subshell) context += 's';
    if (flat.in_brace_group) context += 'g';
    if (flat.in_function) context += 'f';
    if (flat.in_substitution) context += '$';
    if (flat.negated) context += '!';
    if (!context.empty()) {
      out += "(" + context + ")";
    }
    for (const Assignment& assignment : flat.command->assignments) {
      out += " " + assignment.name + "=" + (assignment.value.literal() ? assignment.value.value() : "{" + assignment.value.text + "}");
    }
    for (const Word& word : flat.command->words) {
      out += " " + (word.literal() ? word.value() : "{" + word.text + "}");
    }
    for (const Redirect& redirect : flat.command->redirects) {
      out += " " + (redirect.fd >= 0 ? std::to_string(redirect.fd) : "") + redirect.op + redirect.target.value();
      if (redirect.heredoc) {
        out += "<<[" + *redirect.heredoc + "]";
      }
    }
    out += "\n";
  }
  if (script.error) {
    out += "error: " + script.error->message + "\n";
  }
  return out;
}

struct Case {
  const char* name;
  const char* script;
  const char* expected;
};

const Case k_cases[] = {
    {"words and quotes", "echo a 'b c' \"d $x\" e\\ f",
     "[] echo a b c {\"d $x\"} e f\n"},
    {"and-or chain", "apt-get update && apt-get install -y curl || true",
     "[] apt-get update\n[&&] apt-get install -y curl\n[||] true\n"},
    {"semicolons and newlines", "set -eux; a;\nb\n\nc",
     "[] set -eux\n[;] a\n[;] b\n[\\n] c\n"},
    {"pipes", "curl -fsSL x | gpg --dearmor > /k.gpg", "[] curl -fsSL x\n[|] gpg --dearmor >/k.gpg\n"},
    {"redirections", "cmd 2>&1 >/dev/null <in 3>>log &>all", "[] cmd 2>&1 >/dev/null <in 3>>log &>all\n"},
    {"here-string", "cat <<< 'word'", "[] cat <<<word\n"},
    {"env prefix", "DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata",
     "[] DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata\n"},
    {"bare assignment with substitution", "savedAptMark=\"$(apt-mark showmanual)\"; apt-mark manual $savedAptMark",
     "[]($) apt-mark showmanual\n[] savedAptMark={\"$(apt-mark showmanual)\"}\n[;] apt-mark manual {$savedAptMark}\n"},
    {"backticks", "ARCH=`cat /tmp/arch` && echo $ARCH",
     "[]($) cat /tmp/arch\n[] ARCH={`cat /tmp/arch`}\n[&&] echo {$ARCH}\n"},
    {"subshell and brace group", "( cd /x && make ); { a; b; }",
     "[](s) cd /x\n[&&](s) make\n[](g) a\n[;](g) b\n"},
    {"if clause", "if [ \"$a\" = x ]; then apt-get install -y y; elif b; then c; else d; fi",
     "[](c) [ {\"$a\"} = x ]\n[](b) apt-get install -y y\n[](c) b\n[](b) c\n[](b) d\n"},
    {"for loop", "for key in A B; do gpg --recv-keys \"$key\"; done",
     "[](l) gpg --recv-keys {\"$key\"}\n"},
    {"while loop", "while read -r line; do echo \"$line\"; done < file",
     "[](c) read -r line\n[](l) echo {\"$line\"}\n"},
    {"case", "case \"$arch\" in amd64) a=1 ;; arm64|aarch64) a=2 ;; *) exit 1 ;; esac",
     "[](b) a=1\n[](b) a=2\n[](b) exit 1\n"},
    {"function definition", "ddist() { local f=\"$1\"; shift; }; ddist x",
     "[](gf) local {f=\"$1\"}\n[;](gf) shift\n[;] ddist x\n"},
    {"comments", "a # comment && b\nc", "[] a\n[\\n] c\n"},
    {"line continuation", "apt-get install \\\n  curl \\\n  git", "[] apt-get install curl git\n"},
    {"negation", "! grep -q x file", "[](!) grep -q x file\n"},
    {"background", "sleep 1 & wait", "[] sleep 1\n[&] wait\n"},
    {"heredoc", "cat > /etc/x <<EOF\nline $HOME\nEOF\necho done", "[] cat >/etc/x <<EOF<<[line $HOME\n]\n[\\n] echo done\n"},
    {"heredoc with tabs", "cat <<-'END'\n\tone\n\tEND\n", "[] cat <<-END<<[one\n]\n"},
    {"arithmetic and parameters", "echo $((1+2)) ${x:-y} ${#x} $1 $@",
     "[] echo {$((1+2))} {${x:-y}} {${#x}} {$1} {$@}\n"},
    {"conditional expression", "[[ -n $x && $y == z ]] && echo ok", "[] [[ -n {$x} && {$y} == z ]]\n[&&] echo ok\n"},
    {"ansi-c quoting", "printf $'a\\tb'", "[] printf a\tb\n"},
    {"process substitution", "diff <(ls a) b", "[]($) ls a\n[] diff {<(ls a)} b\n"},
    {"nested substitution in quotes", "echo \"$(dpkg --print-architecture | awk -F- '{ print $NF }')\"",
     "[]($) dpkg --print-architecture\n[|]($) awk -F- { print $NF }\n[] echo {\"$(dpkg --print-architecture | awk -F- '{ print $NF }')\"}\n"},
    {"keywords as arguments", "echo if then fi done", "[] echo if then fi done\n"},
    {"unterminated quote", "echo 'abc", "[] echo \nerror: unterminated single quote\n"},
    {"unterminated double quote", "echo \"abc && b", "[] echo abc && b\nerror: unterminated double quote\n"},
    {"unclosed if", "if true; then echo x", "[](c) true\n[](b) echo x\nerror: expected 'fi'\n"},
    {"stray fi", "echo a; fi", "[] echo a\nerror: unexpected 'fi'\n"},
    {"pipefail", "set -o pipefail && curl x | sh", "[] set -o pipefail\n[&&] curl x\n[|] sh\n"},
    {"for without in", "for f; do echo $f; done", "[](l) echo {$f}\n"},
    {"bash array", "LIST=(\"a b\" c) && echo ok", "[] LIST=(\"a b\" c)\n[&&] echo ok\n"},
    {"empty", "", ""},
};

class ReaderCases : public testing::TestWithParam<Case> {};

TEST_P(ReaderCases, Reads) {
  const Case& c = GetParam();
  EXPECT_EQ(describe(read_script(c.script)), c.expected) << c.script;
}

std::string case_name(const testing::TestParamInfo<Case>& row) {
  std::string name = row.param.name;
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) {
      ch = '_';
    }
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Shell, ReaderCases, testing::ValuesIn(k_cases), case_name);

TEST(ShellReader, OffsetsPointIntoTheScript) {
  const Script script = read_script("set -e;  apt-get install -y curl && rm -rf /x");
  const auto commands = flatten(script);
  ASSERT_EQ(commands.size(), 3u);
  const SimpleCommand& install = *commands[1].command;
  EXPECT_EQ(script.text.substr(install.begin, install.end - install.begin), "apt-get install -y curl");
  EXPECT_EQ(script.text.substr(install.words[3].begin, install.words[3].end - install.words[3].begin), "curl");
  const SimpleCommand& remove = *commands[2].command;
  EXPECT_EQ(script.text.substr(remove.begin, remove.end - remove.begin), "rm -rf /x");
}

TEST(ShellReader, WordFlags) {
  const Script script = read_script("x '*' * ~/a \"$(b)\" $c");
  const auto& words = flatten(script).back().command->words;
  ASSERT_EQ(words.size(), 6u);
  EXPECT_TRUE(words[1].literal());
  EXPECT_FALSE(words[1].has_glob());
  EXPECT_TRUE(words[2].has_glob());
  EXPECT_TRUE(words[3].has_tilde());
  EXPECT_TRUE(words[4].has_substitution());
  EXPECT_FALSE(words[4].literal());
  EXPECT_TRUE(words[5].has_parameter());
}

TEST(ShellReader, SetOptions) {
  struct Row {
    const char* script;
    bool errexit, pipefail;
  };
  const Row rows[] = {{"set -eux", true, false},      {"set -ex -o pipefail", true, true},
                      {"set -eo pipefail", true, true}, {"set -o errexit", true, false},
                      {"set +e", false, false},        {"set -- a b", false, false}};
  for (const Row& row : rows) {
    ShellOptions options;
    const Script script = read_script(row.script);
    const auto commands = flatten(script);
    ASSERT_TRUE(apply_set(*commands.front().command, options)) << row.script;
    EXPECT_EQ(options.errexit, row.errexit) << row.script;
    EXPECT_EQ(options.pipefail, row.pipefail) << row.script;
  }
  ShellOptions options;
  const Script echo = read_script("echo set");
  EXPECT_FALSE(apply_set(*flatten(echo).front().command, options));
}

TEST(ShellExpand, CompleteEnvironmentKnowsWhatIsUnset) {
  Environment environment;
  environment.values = {{"A", "1"}};
  environment.unknown = {"DYNAMIC"};
  environment.complete = true;
  const auto expand = [&](const char* text) {
    const Script script = read_script(std::string("x ") + text);
    return expand_fields(flatten(script).back().command->words.at(1), environment);
  };
  EXPECT_EQ(*expand("$A$UNSET"), std::vector<std::string>{"1"});
  EXPECT_EQ(*expand("${UNSET:-d}"), std::vector<std::string>{"d"});
  EXPECT_FALSE(expand("$DYNAMIC"));
  EXPECT_FALSE(expand("$HOME"));
  EXPECT_FALSE(expand("$http_proxy"));
}

TEST(ShellExpand, FieldsAndReasons) {
  const Variables variables{{"PKGS", "curl  git\twget"}, {"V", "1.2"}, {"EMPTY", ""}};
  struct Row {
    const char* word;
    std::vector<std::string> fields; // empty + reason set: refused
    const char* reason;
  };
  const Row rows[] = {
      {"$PKGS", {"curl", "git", "wget"}, ""},
      {"\"$PKGS\"", {"curl  git\twget"}, ""},
      {"pkg=${V}-1", {"pkg=1.2-1"}, ""},
      {"$EMPTY", {}, ""},
      {"\"\"", {""}, ""},
      {"${MISSING:-x}", {}, "uses $MISSING, whose value is not known"},
      {"${EMPTY:-x}", {"x"}, ""},
      {"${EMPTY-x}", {}, ""},
      {"$MISSING", {}, "uses $MISSING, whose value is not known"},
      {"$(cat x)", {}, "uses $(cat x)"},
      {"${V%.*}", {}, "uses ${V%.*}, an expansion the planner does not evaluate"},
      {"$1", {}, "uses $1, a special parameter"},
  };
  for (const Row& row : rows) {
    const Script script = read_script(std::string("x ") + row.word);
    const Word& word = flatten(script).back().command->words.at(1);
    const auto fields = expand_fields(word, variables);
    if (*row.reason) {
      ASSERT_FALSE(fields) << row.word;
      EXPECT_EQ(fields.error().message, row.reason);
    } else {
      ASSERT_TRUE(fields) << row.word << ": " << fields.error().message;
      EXPECT_EQ(*fields, row.fields) << row.word;
    }
  }
}

} // namespace
} // namespace distill::planner::shell
