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

} // namespace
} // namespace distill::backend::build
