// The --minimal closure check on trees made from the host's own binaries:
// a planted ELF without its libraries, a script without its interpreter, a
// USER without an account.

#include "backend/build/closure_check.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace distill::backend::build {
namespace {

std::string host_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void add(fs::Tree& tree, const std::string& path, std::string bytes, std::uint32_t mode = 0755) {
  ASSERT_TRUE(tree.add(path, fs::make_file(fs::Content::from_bytes(std::move(bytes)), mode)));
}

std::string render(const std::vector<ClosureProblem>& problems) {
  std::string text;
  for (const auto& p : problems) {
    text += p.path + " needs " + p.missing + " (" + p.why + ")\n";
  }
  return text;
}

TEST(ClosureCheck, PlantedBinaryWithoutItsLibrariesIsCaughtAndResolvedOnceTheyAreThere) {
  const std::string libc = std::filesystem::canonical("/lib/x86_64-linux-gnu/libc.so.6").string();
  const std::string loader = std::filesystem::canonical("/lib64/ld-linux-x86-64.so.2").string();
  fs::Tree tree;
  add(tree, "/usr/local/bin/app", host_file("/usr/bin/true"));
  oci::ImageConfig config;
  config.cmd = {"app"};
  const auto missing = check_closure(tree, config);
  EXPECT_EQ(render(missing), "/usr/local/bin/app needs /lib64/ld-linux-x86-64.so.2 (ELF program interpreter)\n"
                             "/usr/local/bin/app needs libc.so.6 (DT_NEEDED)\n");

  // With merged /usr, as distill's Debian images have it.
  ASSERT_TRUE(tree.add("/lib", fs::make_symlink("usr/lib")));
  ASSERT_TRUE(tree.add("/lib64", fs::make_symlink("usr/lib64")));
  add(tree, "/usr/lib/x86_64-linux-gnu/libc.so.6", host_file(libc));
  add(tree, "/usr/lib64/ld-linux-x86-64.so.2", host_file(loader));
  EXPECT_EQ(render(check_closure(tree, config)), "");
}

TEST(ClosureCheck, ScriptsNeedTheirInterpreterAndPackageFilesAreTrusted) {
  fs::Tree tree;
  add(tree, "/usr/local/bin/probe", "#!/bin/sh\necho hi\n");
  add(tree, "/usr/local/bin/tool", "#!/usr/bin/env python3\nprint(1)\n");
  add(tree, "/usr/share/templates/x.sh", "#!/bin/bash\n", 0644); // not executable: never run
  // A package's own script: its Depends are the package's business.
  add(tree, "/usr/bin/c_rehash", "#!/usr/bin/perl\n");
  add(tree, "/var/lib/dpkg/info/openssl.list", "/.\n/usr\n/usr/bin\n/usr/bin/c_rehash\n", 0644);
  oci::ImageConfig config;
  EXPECT_EQ(render(check_closure(tree, config)),
            "/usr/local/bin/probe needs /bin/sh (#! interpreter)\n"
            "/usr/local/bin/tool needs /usr/bin/env (#! interpreter)\n"
            "/usr/local/bin/tool needs python3 (#! program run through env)\n");
}

TEST(ClosureCheck, ShellFormCmdUserAndHealthcheck) {
  fs::Tree tree;
  add(tree, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n", 0644);
  add(tree, "/etc/group", "root:x:0:\n", 0644);
  oci::ImageConfig config;
  config.cmd = {"/bin/sh", "-c", "exec server"};
  config.user = "app:staff";
  config.healthcheck = oci::HealthConfig{};
  config.healthcheck->test = {"CMD", "curl", "-f", "http://localhost/"};
  EXPECT_EQ(render(check_closure(tree, config)),
            "USER needs staff (a group in /etc/group)\n"
            "CMD needs /bin/sh (the program CMD runs)\n"
            "HEALTHCHECK needs curl (the program HEALTHCHECK runs)\n");
  config.user = "1000:1000";
  config.cmd.clear();
  config.healthcheck.reset();
  EXPECT_EQ(render(check_closure(tree, config)), "");
}

// The programs a shell script runs, as the planner's reader lists them; here
// a stand-in that takes each line's first word, so that only the checker's
// part is under test.
std::vector<std::string> first_words(std::string_view script) {
  std::vector<std::string> out;
  std::istringstream lines{std::string(script)};
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string word;
    if (words >> word && !word.starts_with("#")) {
      out.push_back(word);
    }
  }
  return out;
}

TEST(ClosureCheck, ProgramsAShellScriptRunsMustBeInThePath) {
  fs::Tree tree;
  add(tree, "/usr/bin/sh", host_file("/usr/bin/true"));
  ASSERT_TRUE(tree.add("/bin", fs::make_symlink("usr/bin")));
  add(tree, "/usr/bin/date", "#!/nonexistent\n", 0644); // present; not executable, so not a script to follow
  add(tree, "/usr/local/bin/probe", "#!/bin/sh\ndate\nsleep\n");
  add(tree, "/usr/local/bin/tool", "#!/usr/bin/python3\nsleep\n"); // not a shell: its words are not programs
  add(tree, "/var/lib/dpkg/info/dash.list", "/.\n/usr\n/usr/bin\n/usr/bin/sh\n", 0644);
  // A package's conffile (listed by Conffiles, not by md5sums) is the package's business too.
  add(tree, "/etc/cron.daily/job", "#!/bin/sh\nbackup-tool\n");
  add(tree, "/var/lib/dpkg/status.d/job",
      "Package: job\nVersion: 1\nConffiles:\n /etc/cron.daily/job 0123456789abcdef0123456789abcdef\n"
      "Description: x\n", 0644);
  oci::ImageConfig config;
  config.cmd = {"/bin/sh", "-c", "probe\nawk"};
  ClosureOptions options;
  options.script_programs = first_words;
  const auto problems = render(check_closure(tree, config, options));
  EXPECT_NE(problems.find("/usr/local/bin/probe needs sleep (a program the script runs)\n"), std::string::npos)
      << problems;
  EXPECT_NE(problems.find("CMD needs awk (a program the script runs)\n"), std::string::npos) << problems;
  EXPECT_EQ(problems.find("needs date"), std::string::npos) << problems;
  EXPECT_EQ(problems.find("needs probe"), std::string::npos) << problems; // found in PATH
  EXPECT_EQ(problems.find("/usr/local/bin/tool needs sleep"), std::string::npos) << problems;
  EXPECT_EQ(problems.find("backup-tool"), std::string::npos) << problems;
  // Without the lister the scripts' programs are not asked for.
  EXPECT_EQ(render(check_closure(tree, config)).find("a program the script runs"), std::string::npos);
}

} // namespace
} // namespace distill::backend::build
