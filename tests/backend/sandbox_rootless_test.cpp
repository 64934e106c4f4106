// The sandbox suite again as unprivileged users: one with a subordinate id
// range (full mapping through newuidmap) and nobody (single mapping). Needs
// root to switch users; the nested runs skip this file.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

constexpr const char* k_test_user = "distill-sbx";

// Runs a shell command; returns its exit status and appends its output.
int run_command(const std::string& command, std::string& output) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return -1;
  }
  char buffer[4096];
  while (const auto n = ::fread(buffer, 1, sizeof buffer, pipe)) {
    output.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool has_subids(const std::string& user) {
  for (const char* file : {"/etc/subuid", "/etc/subgid"}) {
    std::ifstream in(file);
    std::string line;
    bool found = false;
    while (std::getline(in, line)) {
      found = found || line.starts_with(user + ":");
    }
    if (!found) {
      return false;
    }
  }
  return true;
}

std::string self_exe() {
  char path[4096];
  const auto n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  return n > 0 ? std::string(path, static_cast<std::size_t>(n)) : std::string();
}

// Reruns the other sandbox tests as `user`; fails with their output.
void rerun_as(const std::string& user) {
  const std::string filter = "Sandbox*:Rootfs/SandboxCapture*:-SandboxRootless*:SandboxApt*";
  std::string output;
  const int rc = run_command("cd / && runuser -u " + user + " -- env DISTILL_SANDBOX_NESTED=1 TMPDIR=/tmp " +
                                 self_exe() + " --gtest_brief=1 '--gtest_filter=" + filter + "'",
                             output);
  EXPECT_EQ(rc, 0) << "as " << user << ":\n" << output;
  EXPECT_NE(output.find("PASSED"), std::string::npos) << output;
}

class SandboxRootless : public ::testing::Test {
protected:
  void SetUp() override {
    if (std::getenv("DISTILL_SANDBOX_NESTED") != nullptr) {
      GTEST_SKIP() << "this is the nested unprivileged run";
    }
    if (::geteuid() != 0) {
      GTEST_SKIP() << "switching to a test user needs root; this run is itself unprivileged";
    }
    std::string output;
    if (run_command("command -v runuser", output) != 0 || ::access("/bin/busybox", X_OK) != 0) {
      GTEST_SKIP() << "runuser or busybox-static is missing";
    }
  }
};

TEST_F(SandboxRootless, SuitePassesAsAUserWithASubordinateRange) {
  std::string output;
  if (::getpwnam(k_test_user) == nullptr &&
      run_command(std::string("useradd --no-create-home --shell /usr/sbin/nologin ") + k_test_user,
                  output) != 0) {
    GTEST_SKIP() << "cannot create the test user: " << output;
  }
  if (!has_subids(k_test_user) &&
      run_command(std::string("usermod --add-subuids 300000-365535 --add-subgids 300000-365535 ") +
                      k_test_user,
                  output) != 0) {
    GTEST_SKIP() << "cannot give the test user a subordinate id range: " << output;
  }
  if (::access("/usr/bin/newuidmap", X_OK) != 0) {
    GTEST_SKIP() << "newuidmap is missing (package uidmap)";
  }
  rerun_as(k_test_user);
}

TEST_F(SandboxRootless, SuitePassesAsNobodyWithASingleMapping) {
  if (::getpwnam("nobody") == nullptr) {
    GTEST_SKIP() << "no user nobody";
  }
  if (has_subids("nobody")) {
    GTEST_SKIP() << "nobody has a subordinate range here; the single mapping is not exercised";
  }
  rerun_as("nobody");
}

} // namespace
