#pragma once

// The sandbox's process machinery (internal to backend/sandbox). The caller
// P forks C, which unshares a user namespace (P writes its id maps), then
// mount, pid, ipc, uts (and net) namespaces, stacks the rootfs and forks G,
// the pid namespace's init. G makes its own mount namespace (so pivot_root
// leaves C outside), mounts /dev, /proc, /sys, /etc files and the RUN
// mounts, pivots and forks W, the step's command. When W ends G exits and the
// kernel kills whatever W left behind; C then captures the changes (still in
// the user namespace, where the step's files are readable) and cleans up.

#include "backend/fs/tree.hpp"
#include "backend/sandbox/command.hpp"
#include "backend/sandbox/id_map.hpp"
#include "backend/sandbox/run_mounts.hpp"
#include "planner/ir.hpp"
#include "support/error.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include <sys/types.h>
#include <utility>
#include <vector>

namespace distill::backend::sandbox {

enum class RootfsMode {
  automatic, // overlayfs, or the copy fallback where overlay is refused
  overlay,   // overlayfs or fail
  copy,      // always copy the layers and diff afterwards
};

struct SandboxSpec {
  IdMaps maps;
  std::filesystem::path cache_dir;
  std::vector<std::pair<std::string, const fs::Tree*>> layers; // digest, tree (bottom first)
  std::filesystem::path work_dir;    // scratch: upper, work, merged (removed afterwards)
  std::filesystem::path capture_dir; // existing empty directory for the capture
  RootfsMode rootfs = RootfsMode::automatic;
  bool own_network = false;
  Command command;
  const planner::Run* run = nullptr; // env, user, workdir
  std::vector<PreparedMount> mounts;
};

struct SandboxOutcome {
  int exit_code = 0;
  bool used_overlay = false;
  bool interrupted = false;
};

using OutputFn = std::function<void(std::string_view)>;

// Runs the step and captures it into spec.capture_dir (only when it exits 0);
// streams its output to `on_output`. Fails when the sandbox cannot be set up.
support::Result<SandboxOutcome> run_sandbox(const SandboxSpec& spec, const OutputFn& on_output);

// ---- shared by the processes (sandbox_child.cpp, sandbox_init.cpp) ----

// Messages from C to P on the report pipe, one per line.
void report(int fd, std::string_view kind, std::string_view text);

// A RUN mount with its host-side mount point (inside the merged rootfs).
struct ResolvedMount {
  const PreparedMount* mount = nullptr;
  std::string host_target;
  std::filesystem::path cache_dir; // type=cache: the directory to bind
};

struct InitPlan {
  std::filesystem::path root;    // the rootfs G pivots into
  bool root_is_mount = true;     // false in copy mode: bind it onto itself first
  bool own_network = false;
  bool can_setgroups = true;
  std::filesystem::path work_dir;
  std::string hosts_target, resolv_target; // host paths; empty = not mounted
  std::vector<ResolvedMount> mounts;       // parents before children
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::vector<Command::ScriptFile> scripts;
  std::string workdir;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::vector<std::uint32_t> groups;
  int output_fd = -1;
  int report_fd = -1;
};

// C's body; never returns.
[[noreturn]] void child_main(const SandboxSpec& spec, pid_t parent, int report_fd, int go_fd,
                             int output_fd);
// G's body; never returns (exits with W's status, 128+signal when killed).
[[noreturn]] void init_main(const InitPlan& plan);

} // namespace distill::backend::sandbox
