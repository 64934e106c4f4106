#include "backend/sandbox/sandbox.hpp"
#include "backend/sandbox/sys.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <cstdio>

#include <fcntl.h>
#include <grp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace distill::backend::sandbox {

namespace {

constexpr int k_setup_failed = 125;

[[noreturn]] void die(const InitPlan& plan, const std::string& what) {
  report(plan.report_fd, "error", what + ": " + std::strerror(errno));
  ::_exit(k_setup_failed);
}

void must_mount(const InitPlan& plan, const char* source, const std::string& target,
                const char* type, unsigned long flags, const char* data) {
  if (::mount(source, target.c_str(), type, flags, data) != 0) {
    die(plan, std::string("mount ") + (type ? type : source) + " on " + target);
  }
}

// Remounts a bind mount read-only, keeping the flags the kernel locked
// (nosuid, nodev, noexec) since a user namespace may not clear them.
bool remount_readonly(const std::string& target) {
  struct statvfs vfs {};
  unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY;
  if (::statvfs(target.c_str(), &vfs) == 0) {
    flags |= vfs.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME | ST_NODIRATIME |
                           ST_RELATIME);
  }
  return ::mount(nullptr, target.c_str(), nullptr, flags, nullptr) == 0;
}

// Remounts `target` and every mount below it read-only; false when one refuses.
bool remount_tree_readonly(const std::string& target) {
  auto text = read_all(Fd(::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)).get());
  if (!text || !remount_readonly(target)) {
    return false;
  }
  std::size_t pos = 0;
  while (pos < text->size()) {
    auto end = text->find('\n', pos);
    if (end == std::string::npos) {
      end = text->size();
    }
    const std::string line = text->substr(pos, end - pos);
    pos = end + 1;
    // Field 5 is the mount point, with spaces and such escaped as \ooo.
    std::size_t field = 0;
    std::size_t start = 0;
    for (int i = 0; i < 4 && start != std::string::npos; ++i) {
      start = line.find(' ', start);
      start = start == std::string::npos ? start : start + 1;
    }
    if (start == std::string::npos) {
      continue;
    }
    field = line.find(' ', start);
    std::string point;
    for (std::size_t i = start; i < field && i < line.size(); ++i) {
      if (line[i] == '\\' && i + 3 < line.size()) {
        point += static_cast<char>(std::stoi(line.substr(i + 1, 3), nullptr, 8));
        i += 3;
      } else {
        point += line[i];
      }
    }
    if (point.starts_with(target + "/") && !remount_readonly(point)) {
      return false;
    }
  }
  return true;
}

void bind_mount(const InitPlan& plan, const std::string& source, const std::string& target,
          bool readonly) {
  must_mount(plan, source.c_str(), target, nullptr, MS_BIND | MS_REC, nullptr);
  if (readonly && !remount_readonly(target)) {
    die(plan, "remounting " + target + " read-only");
  }
}

void make_file(const InitPlan& plan, const std::string& path, mode_t mode) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, mode));
  if (!fd.valid()) {
    die(plan, "create " + path);
  }
}

void setup_dev(const InitPlan& plan) {
  const std::string dev = plan.root.string() + "/dev";
  must_mount(plan, "tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
  for (const char* node : {"null", "zero", "full", "random", "urandom", "tty"}) {
    const std::string target = dev + "/" + node;
    make_file(plan, target, 0666);
    must_mount(plan, (std::string("/dev/") + node).c_str(), target, nullptr, MS_BIND, nullptr);
  }
  ::mkdir((dev + "/pts").c_str(), 0755);
  if (::mount("devpts", (dev + "/pts").c_str(), "devpts", MS_NOSUID | MS_NOEXEC,
              "newinstance,ptmxmode=0666,mode=0620") == 0) {
    ::symlink("pts/ptmx", (dev + "/ptmx").c_str());
  }
  ::mkdir((dev + "/shm").c_str(), 01777);
  must_mount(plan, "shm", dev + "/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
             "mode=1777,size=65536k");
  ::symlink("/proc/self/fd", (dev + "/fd").c_str());
  ::symlink("/proc/self/fd/0", (dev + "/stdin").c_str());
  ::symlink("/proc/self/fd/1", (dev + "/stdout").c_str());
  ::symlink("/proc/self/fd/2", (dev + "/stderr").c_str());
  if (!plan.scripts.empty()) {
    ::mkdir((dev + "/pipes").c_str(), 0755);
    for (const auto& script : plan.scripts) {
      const std::string path = dev + "/pipes/" + script.name;
      Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755));
      if (!fd.valid() || !write_all(fd.get(), script.content)) {
        die(plan, "writing the heredoc script " + path);
      }
    }
  }
}

void setup_proc_sys(const InitPlan& plan) {
  const std::string proc = plan.root.string() + "/proc";
  must_mount(plan, "proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
  // The kernel knobs stay read-only, as every container runtime keeps them.
  for (const char* sub : {"/sys", "/sysrq-trigger", "/irq", "/bus"}) {
    const std::string path = proc + sub;
    if (::access(path.c_str(), F_OK) == 0 &&
        (::mount(path.c_str(), path.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0 ||
         !remount_readonly(path))) {
      die(plan, "making " + path + " read-only");
    }
  }
  const std::string sys = plan.root.string() + "/sys";
  const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  if (plan.own_network && ::mount("sysfs", sys.c_str(), "sysfs", ro, nullptr) == 0) {
    return;
  }
  // sysfs may only be mounted by the owner of the network namespace; with the
  // host's network bind the host's /sys instead, and drop it if it cannot be
  // made read-only.
  if (::mount("/sys", sys.c_str(), nullptr, MS_BIND | MS_REC, nullptr) == 0 &&
      !remount_tree_readonly(sys)) {
    ::umount2(sys.c_str(), MNT_DETACH);
  }
}

void setup_run_mounts(const InitPlan& plan) {
  const std::string secrets = plan.work_dir.string() + "/secrets";
  bool secrets_mounted = false;
  int index = 0;
  for (const auto& rm : plan.mounts) {
    const auto& m = *rm.mount;
    ++index;
    switch (m.type) {
    case planner::MountType::cache:
      bind_mount(plan, rm.cache_dir.string(), rm.host_target, m.readonly);
      break;
    case planner::MountType::tmpfs: {
      std::string data = "mode=1777";
      if (m.size) {
        data += ",size=" + std::to_string(*m.size);
      }
      must_mount(plan, "tmpfs", rm.host_target, "tmpfs", MS_NOSUID | MS_NODEV, data.c_str());
      break;
    }
    case planner::MountType::secret: {
      if (!secrets_mounted) {
        ::mkdir(secrets.c_str(), 0700);
        must_mount(plan, "tmpfs", secrets, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=700");
        secrets_mounted = true;
      }
      const std::string file = secrets + "/" + std::to_string(index);
      Fd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
      if (!fd.valid() || !write_all(fd.get(), m.secret_value) ||
          ::fchown(fd.get(), m.uid, m.gid) != 0 || ::fchmod(fd.get(), m.mode) != 0) {
        die(plan, "writing secret " + m.secret_id);
      }
      bind_mount(plan, file, rm.host_target, true);
      break;
    }
    case planner::MountType::bind: {
      struct stat st {};
      ::stat(m.source.c_str(), &st);
      if (m.readonly || !S_ISDIR(st.st_mode)) {
        bind_mount(plan, m.source.string(), rm.host_target, m.readonly);
        break;
      }
      // Writable bind: writes land in a scratch upper directory and are dropped.
      const std::string base = plan.work_dir.string() + "/bind" + std::to_string(index);
      ::mkdir(base.c_str(), 0700);
      ::mkdir((base + "/upper").c_str(), 0755);
      ::mkdir((base + "/work").c_str(), 0700);
      const std::string data = "lowerdir=" + m.source.string() + ",upperdir=" + base +
                               "/upper,workdir=" + base + "/work,userxattr";
      must_mount(plan, "overlay", rm.host_target, "overlay", 0, data.c_str());
      break;
    }
    case planner::MountType::ssh:
      break; // refused earlier
    }
  }
  if (secrets_mounted) {
    ::umount2(secrets.c_str(), MNT_DETACH); // the bound files stay reachable
  }
}

void enter_root(const InitPlan& plan) {
  const std::string root = plan.root.string();
  if (!plan.root_is_mount) {
    must_mount(plan, root.c_str(), root, nullptr, MS_BIND | MS_REC, nullptr);
  }
  if (::chdir(root.c_str()) != 0) {
    die(plan, "chdir " + root);
  }
  // pivot_root(".", ".") stacks the old root on top of the new one; detaching
  // it leaves only the new root, with no directory needed for the old one.
  if (::syscall(SYS_pivot_root, ".", ".") != 0) {
    die(plan, "pivot_root " + root);
  }
  if (::umount2(".", MNT_DETACH) != 0) {
    die(plan, "detaching the host's root");
  }
  if (::chdir("/") != 0) {
    die(plan, "chdir /");
  }
}

[[noreturn]] void exec_command(const InitPlan& plan) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  ::dup2(plan.output_fd, 1);
  ::dup2(plan.output_fd, 2);
  const int null_fd = ::open("/dev/null", O_RDONLY);
  ::dup2(null_fd, 0);
  auto fail_with = [](const std::string& what) {
    const std::string text = "distill: " + what + ": " + std::strerror(errno) + "\n";
    write_all(2, text);
    ::_exit(errno == ENOENT ? 127 : 126);
  };
  if (plan.can_setgroups) {
    std::vector<gid_t> groups(plan.groups.begin(), plan.groups.end());
    if (::setgroups(groups.size(), groups.data()) != 0) {
      fail_with("setgroups");
    }
  }
  if (::setresgid(plan.gid, plan.gid, plan.gid) != 0) {
    fail_with("setgid " + std::to_string(plan.gid));
  }
  if (::setresuid(plan.uid, plan.uid, plan.uid) != 0) {
    fail_with("setuid " + std::to_string(plan.uid));
  }
  if (::chdir(plan.workdir.c_str()) != 0) {
    fail_with("chdir " + plan.workdir);
  }
  ::umask(022);
  std::vector<char*> argv;
  for (const auto& a : plan.argv) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : plan.env) {
    envp.push_back(const_cast<char*>(e.c_str()));
  }
  envp.push_back(nullptr);
  // execvp searches the PATH of `environ`, which must be the step's.
  environ = envp.data();
  ::execvp(argv[0], argv.data());
  fail_with("exec " + plan.argv[0]);
  ::_exit(127);
}

} // namespace

[[noreturn]] void init_main(const InitPlan& plan) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::unshare(CLONE_NEWNS) != 0) {
    die(plan, "unshare(CLONE_NEWNS)");
  }
  must_mount(plan, nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
  setup_dev(plan);
  setup_proc_sys(plan);
  if (!plan.hosts_target.empty()) {
    bind_mount(plan, "/etc/hosts", plan.hosts_target, true);
  }
  if (!plan.resolv_target.empty()) {
    bind_mount(plan, "/etc/resolv.conf", plan.resolv_target, true);
  }
  setup_run_mounts(plan);
  enter_root(plan);

  const pid_t command = ::fork();
  if (command < 0) {
    die(plan, "fork");
  }
  if (command == 0) {
    exec_command(plan);
  }
  ::close(plan.output_fd);
  // As pid 1, reap everything; the step ends when its command does, and our
  // exit makes the kernel kill whatever it left running.
  for (;;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0 && errno == EINTR) {
      continue;
    }
    if (pid == command || pid < 0) {
      const int code = pid < 0                ? k_setup_failed
                       : WIFEXITED(status)    ? WEXITSTATUS(status)
                       : WIFSIGNALED(status)  ? 128 + WTERMSIG(status)
                                              : 1;
      report(plan.report_fd, "status", std::to_string(code));
      ::_exit(code);
    }
  }
}

} // namespace distill::backend::sandbox
