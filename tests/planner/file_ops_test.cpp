#include "planner/plan_dump.hpp"
#include "planner/rewrite/file_ops.hpp"
#include "planner/rewrite/printf_format.hpp"
#include "planner/shell/reader.hpp"
#include "planner/shell/walk.hpp"

#include <gtest/gtest.h>

#include <string>

namespace distill::planner::rewrite {
namespace {

// The ops, one per line, or "refused: cause", or "not an idiom", or "no-op".
std::string describe(const FileOpResult& result) {
  if (!result.recognized) return "not an idiom";
  if (!result.refusal.empty()) return "refused: " + result.cause;
  if (result.no_op) return "no-op";
  std::string out;
  for (const Op& op : result.ops) out += (out.empty() ? "" : "\n") + describe_op(op);
  return out;
}

struct Case {
  const char* command;
  const char* expected;
};

const Case k_cases[] = {
    {"mkdir -p /a/b /c", "Mkdir /a/b\nMkdir /c"},
    {"mkdir /x", "Mkdir /x [no-parents]"},
    {"mkdir -p -m 700 /secret", "Mkdir /secret [mode=0700]"},
    {"mkdir -m u+x /x", "refused: file-op-option"},
    {"mkdir -p rel", "Mkdir /work/rel"},
    {"mkdir -p /a/*", "refused: file-op-glob"},
    {"ln -s /usr/bin/python3 /usr/local/bin/python", "Symlink /usr/local/bin/python -> /usr/bin/python3"},
    {"ln -sf /dev/stdout /var/log/app.log", "Symlink /var/log/app.log -> /dev/stdout [force]"},
    {"ln -sfT target /x/link", "Symlink /x/link -> target [force] [no-target-directory]"},
    {"ln -s /opt/a /opt/b /usr/local/bin/", "Symlink /usr/local/bin/a -> /opt/a [no-target-directory]\n"
                                             "Symlink /usr/local/bin/b -> /opt/b [no-target-directory]"},
    {"ln /a /b", "refused: hard-link"},
    {"chmod +x /usr/local/bin/tool", "Chmod +x /usr/local/bin/tool"},
    {"chmod -R go-w /srv", "Chmod go-w /srv [recursive]"},
    {"chmod -x /bin/thing", "Chmod -x /bin/thing"},
    {"chmod 4755 /bin/su", "Chmod 4755 /bin/su"},
    {"chmod --reference=/a /b", "refused: file-op-option"},
    {"chown -R app:app /data /logs", "Chown app:app /data /logs [recursive]"},
    {"rm -rf /tmp/* /var/tmp/*", "Remove /tmp/* [recursive] [force]\nRemove /var/tmp/* [recursive] [force]"},
    {"rm /etc/motd", "Remove /etc/motd"},
    {"rm -rf /usr/src/app-*", "refused: file-op-glob"},
    {"rm -rf /var/lib/apt/lists/*", "Remove /var/lib/apt/lists/* [recursive] [force] [apt cache]"},
    {"rm -rf /", "refused: file-op-option"},
    {"echo hello > /etc/greeting", "WriteFile /etc/greeting \"hello\\n\""},
    {"echo -n 'a b' > /x", "WriteFile /x \"a b\""},
    {"echo 'x=1' >> /etc/app.conf", "WriteFile /etc/app.conf \"x=1\\n\" [append]"},
    {"echo 'a\\nb' > /x", "refused: echo-backslash"},
    {"echo -e 'a' > /x", "refused: echo-option"},
    {"echo done", "no-op"},
    {"echo x > /dev/null", "no-op"},
    {"printf '%s=%d\\n' a 1 b 2 > /x", "WriteFile /x \"a=1\\nb=2\\n\""},
    {"printf '%5s' x > /x", "refused: printf-format"},
    {"echo $HOME > /x", "refused: variable-in-file-op"},
    {"cat /a > /b", "not an idiom"},
    {"groupadd -r -g 999 redis", "AddGroup redis [gid=999] [system] [groupadd]"},
    {"useradd -r -g redis -u 999 redis", "AddUser redis [uid=999] [group=redis] [system] [useradd]"},
    {"useradd -m -s /bin/bash -G sudo,adm dev", "AddUser dev [groups=sudo,adm] [shell=/bin/bash] [create-home] [create-group] [useradd]"},
    {"useradd -N -g 100 u1", "AddUser u1 [gid=100] [useradd]"},
    {"useradd -p hash u", "refused: user-op-option"},
    {"adduser --system --group --no-create-home app", "AddUser app [system] [create-group] [adduser]"},
    {"adduser --disabled-password --gecos '' dev", "AddUser dev [create-home] [create-group] [adduser]"},
    {"adduser dev", "refused: interactive-adduser"},
    {"adduser dev sudo", "refused: interactive-adduser"},
    {"adduser --quiet dev sudo", "refused: group-membership"},
    {"addgroup --system --gid 101 nginx", "AddGroup nginx [gid=101] [system] [addgroup]"},
    {"addgroup -S -g 1000 app", "AddGroup app [gid=1000] [system] [busybox]"},
    {"adduser -S -D -H -G app -u 1000 app", "AddUser app [uid=1000] [group=app] [system] [busybox]"},
    {"addgroup app wheel", "refused: group-membership"},
};

class FileOpCases : public testing::TestWithParam<Case> {};

TEST_P(FileOpCases, Reads) {
  const Case& c = GetParam();
  const shell::Script script = shell::read_script(c.command);
  ASSERT_FALSE(script.error) << c.command;
  FileOpContext context;
  context.cwd = "/work";
  EXPECT_EQ(describe(read_file_op(*shell::flatten(script).back().command, context)), c.expected) << c.command;
}

INSTANTIATE_TEST_SUITE_P(FileOps, FileOpCases, testing::ValuesIn(k_cases));

TEST(FileOps, UnknownDirectoryRefusesRelativePaths) {
  const shell::Script script = shell::read_script("mkdir build");
  FileOpContext context;
  context.cwd.clear();
  EXPECT_EQ(describe(read_file_op(*shell::flatten(script).back().command, context)), "refused: unknown-cwd");
}

TEST(FileOps, NonRootRefuses) {
  const shell::Script script = shell::read_script("mkdir -p /data");
  FileOpContext context;
  context.root = false;
  EXPECT_EQ(describe(read_file_op(*shell::flatten(script).back().command, context)), "refused: non-root-user");
}

TEST(FileOps, AbsolutePath) {
  EXPECT_EQ(absolute_path("a/./b//c", "/x"), "/x/a/b/c");
  EXPECT_EQ(absolute_path("/etc/", "/x"), "/etc/");
  EXPECT_EQ(absolute_path("rel", ""), "");
}

TEST(PrintfFormat, Subset) {
  EXPECT_EQ(*format_printf("%s-%s\\n", {"a", "b", "c"}), "a-b\nc-\n");
  EXPECT_EQ(*format_printf("100%%\\t\\101", {}), "100%\tA");
  EXPECT_FALSE(format_printf("%x", {"1"}));
  EXPECT_FALSE(format_printf("%d", {"x"}));
}

} // namespace
} // namespace distill::planner::rewrite
