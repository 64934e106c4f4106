#pragma once

// Shared by the sandbox tests: a busybox rootfs as the lower layer, a
// scratch cache directory per test, and helpers to run a shell step.

#include "backend/fs/tree.hpp"
#include "backend/sandbox/id_map.hpp"
#include "backend/sandbox/run_step.hpp"
#include "backend/sandbox/userns_remove.hpp"
#include "planner/ir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include <unistd.h>

namespace sandbox_test {

namespace fs = distill::backend::fs;
namespace sb = distill::backend::sandbox;
namespace planner = distill::planner;

inline std::string busybox_applets() {
  std::string out;
  FILE* pipe = ::popen("/bin/busybox --list", "r");
  if (pipe == nullptr) {
    return out;
  }
  char buffer[4096];
  while (const auto n = ::fread(buffer, 1, sizeof buffer, pipe)) {
    out.append(buffer, n);
  }
  ::pclose(pipe);
  return out;
}

// A tiny root filesystem: static busybox with its applets in /bin, a root and
// an "app" user (uid 1000, in group "staff" 50), and a few files to change.
inline fs::Tree busybox_tree() {
  fs::Tree tree;
  const auto size = std::filesystem::file_size("/bin/busybox");
  (void)tree.add("/bin", fs::make_directory(0755));
  (void)tree.add("/bin/busybox", fs::make_file(fs::Content::from_file("/bin/busybox", size), 0755));
  std::istringstream applets(busybox_applets());
  std::string name;
  while (applets >> name) {
    if (name != "busybox") {
      (void)tree.add("/bin/" + name, fs::make_symlink("busybox"));
    }
  }
  (void)tree.add("/etc/passwd",
                 fs::make_file(fs::Content::from_bytes("root:x:0:0:root:/root:/bin/sh\n"
                                                       "app:x:1000:1000:app:/home/app:/bin/sh\n")));
  (void)tree.add("/etc/group", fs::make_file(fs::Content::from_bytes(
                                   "root:x:0:\nstaff:x:50:app\napp:x:1000:\n")));
  (void)tree.add("/etc/keep", fs::make_file(fs::Content::from_bytes("keep\n")));
  (void)tree.add("/etc/modify", fs::make_file(fs::Content::from_bytes("before\n")));
  (void)tree.add("/etc/delete", fs::make_file(fs::Content::from_bytes("delete me\n")));
  (void)tree.add("/data/dir/a", fs::make_file(fs::Content::from_bytes("a\n")));
  (void)tree.add("/data/dir/b", fs::make_file(fs::Content::from_bytes("b\n")));
  (void)tree.add("/root", fs::make_directory(0700));
  auto home = fs::make_directory(0755);
  home.uid = 1000;
  home.gid = 1000;
  (void)tree.add("/home/app", home);
  (void)tree.add("/tmp", fs::make_directory(01777));
  return tree;
}

// A shell-form RUN at Dockerfile line 7.
inline planner::Run shell_run(std::string script) {
  planner::Run run;
  run.shell_form = true;
  run.script = std::move(script);
  run.shell = {"/bin/sh", "-c"};
  run.argv = {"/bin/sh", "-c", run.script};
  run.workdir = "/";
  run.where = {distill::support::SourceRange{{7, 1, 0}, {7, 20, 0}}};
  return run;
}

inline std::string content_of(const fs::Tree& tree, const std::string& path) {
  const fs::Entry* entry = tree.find(path);
  if (entry == nullptr || entry->type != fs::EntryType::regular) {
    return "<missing>";
  }
  auto bytes = fs::read_content(entry->content);
  return bytes ? *bytes : "<unreadable>";
}

// True when this process can only get the single caller -> root mapping.
inline bool single_mapping_only() {
  auto maps = sb::plan_id_maps(sb::IdMapMode::automatic);
  return !maps || maps->single();
}

class SandboxTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (::access("/bin/busybox", X_OK) != 0) {
      GTEST_SKIP() << "busybox-static is not installed (/bin/busybox)";
    }
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp ? tmp : "/tmp") + "/distill-sandbox-test-XXXXXX";
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    m_dir = templ;
    m_base = busybox_tree();
    m_options.cache_dir = m_dir / "cache";
    m_options.layers = {{"sha256:1111111111111111111111111111111111111111111111111111111111111111",
                         &m_base}};
    m_options.on_output = [this](std::string_view chunk) { m_output.append(chunk); };
  }

  void TearDown() override {
    if (!m_dir.empty()) {
      auto removed = sb::remove_as_sandbox(m_dir);
      EXPECT_TRUE(removed) << removed.error().message;
    }
  }

  distill::support::Result<sb::StepResult> run(const planner::Run& step) {
    m_output.clear();
    return sb::run_step(step, m_options);
  }

  std::filesystem::path m_dir;
  fs::Tree m_base;
  sb::StepOptions m_options;
  std::string m_output;
};

} // namespace sandbox_test
