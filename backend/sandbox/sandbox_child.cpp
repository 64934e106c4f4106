#include "backend/sandbox/capture.hpp"
#include "backend/sandbox/layer_dir.hpp"
#include "backend/sandbox/root_path.hpp"
#include "backend/sandbox/rootfs_copy.hpp"
#include "backend/sandbox/sandbox.hpp"
#include "backend/sandbox/sys.hpp"
#include "backend/sandbox/user_db.hpp"
#include "support/sha256.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

namespace {

[[noreturn]] void child_fail(int report_fd, const support::Error& error) {
  report(report_fd, "error", error.message);
  ::_exit(1);
}

Result<void> become_root(int report_fd, int go_fd) {
  if (::unshare(CLONE_NEWUSER) != 0) {
    return errno_fail("creating a user namespace (unshare CLONE_NEWUSER; are unprivileged user "
                      "namespaces disabled?)");
  }
  report(report_fd, "userns", "");
  char go = 0;
  if (::read(go_fd, &go, 1) != 1 || go != 'M') {
    ::_exit(1); // the parent could not write our maps and says why
  }
  // setgroups is denied under a single mapping written by an unprivileged parent.
  ::setgroups(0, nullptr);
  if (::setresgid(0, 0, 0) != 0 || ::setresuid(0, 0, 0) != 0) {
    return errno_fail("becoming root in the user namespace");
  }
  // Changing credentials clears the parent-death signal.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  return {};
}

Result<void> loopback_up() {
  Fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) {
    return errno_fail("socket");
  }
  struct ifreq req {};
  std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(sock.get(), SIOCGIFFLAGS, &req) != 0) {
    return errno_fail("reading the flags of lo");
  }
  req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP | IFF_RUNNING);
  if (::ioctl(sock.get(), SIOCSIFFLAGS, &req) != 0) {
    return errno_fail("bringing lo up");
  }
  return {};
}

std::string escape_overlay(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == ':' || c == ',' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

struct Rootfs {
  std::filesystem::path root;
  std::vector<std::filesystem::path> lowers_top_first;
  bool overlay = false;
};

Result<Rootfs> stack_rootfs(const SandboxSpec& spec) {
  Rootfs out;
  for (auto it = spec.layers.rbegin(); it != spec.layers.rend(); ++it) {
    auto dir = layer_dir(spec.cache_dir, it->first);
    if (!dir) {
      return std::unexpected(dir.error());
    }
    out.lowers_top_first.push_back(*dir);
  }
  const auto work = spec.work_dir;
  out.root = work / "merged";
  for (const char* sub : {"merged", "upper", "work", "empty"}) {
    if (auto made = make_dirs(work / sub, 0755); !made) {
      return std::unexpected(made.error());
    }
  }
  if (spec.rootfs != RootfsMode::copy) {
    // Relative lower paths keep the option under the kernel's one-page limit.
    std::string lower;
    for (const auto& dir : out.lowers_top_first) {
      lower += (lower.empty() ? "" : ":") + escape_overlay(dir.filename().string());
    }
    if (lower.empty()) {
      lower = escape_overlay((work / "empty").string());
    }
    const std::string data = "lowerdir=" + lower + ",upperdir=" + escape_overlay((work / "upper").string()) +
                             ",workdir=" + escape_overlay((work / "work").string()) + ",userxattr";
    const auto layers_dir = spec.cache_dir / "layers";
    ::mkdir(layers_dir.c_str(), 0755);
    int rc = -1;
    if (data.size() < 4000 && ::chdir(layers_dir.c_str()) == 0) {
      rc = ::mount("overlay", out.root.c_str(), "overlay", 0, data.c_str());
      const int saved = errno;
      ::chdir("/");
      errno = saved;
    } else {
      errno = E2BIG;
    }
    if (rc == 0) {
      out.overlay = true;
      return out;
    }
    if (spec.rootfs == RootfsMode::overlay) {
      return errno_fail("mounting overlayfs in the user namespace");
    }
  }
  for (auto it = out.lowers_top_first.rbegin(); it != out.lowers_top_first.rend(); ++it) {
    if (auto applied = apply_layer_dir(*it, out.root); !applied) {
      return std::unexpected(applied.error().context("copying layer " + it->filename().string()));
    }
  }
  ::chmod(out.root.c_str(), 0755);
  return out;
}

// Creates the missing parts of `path` in the rootfs (a directory, or an empty
// file when `file`), remembering each as a stub; returns the host path.
Result<std::string> mount_point(const std::filesystem::path& root, const std::string& path, bool file,
                                CaptureRules& rules) {
  auto resolved = resolve_in_root(root, path);
  if (!resolved) {
    return std::unexpected(resolved.error());
  }
  std::string current;
  const std::string& target = *resolved;
  std::size_t pos = 0;
  while (pos < target.size()) {
    auto next = target.find('/', pos + 1);
    if (next == std::string::npos) {
      next = target.size();
    }
    current = target.substr(0, next);
    pos = next;
    const auto host = host_path(root, current);
    struct stat st {};
    if (::lstat(host.c_str(), &st) == 0) {
      continue;
    }
    const bool last = next == target.size();
    if (last && file) {
      Fd fd(::open(host.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
      if (!fd.valid()) {
        return errno_fail("creating the mount point " + current);
      }
    } else if (::mkdir(host.c_str(), 0755) != 0) {
      return errno_fail("creating the mount point " + current);
    }
    rules.stubs.insert(current);
  }
  rules.excluded.insert(target);
  return host_path(root, target).string();
}

// The directory of a cache mount, created with its uid/gid/mode on first use;
// `locks` keeps the flock that implements sharing=locked|private.
Result<std::filesystem::path> cache_mount_dir(const SandboxSpec& spec, const PreparedMount& m,
                                              std::vector<Fd>& locks) {
  const auto base = spec.cache_dir / "run-cache";
  const std::string key = support::sha256_hex(m.cache_id).substr(0, 32);
  for (int instance = 0;; ++instance) {
    const auto dir = base / (instance == 0 ? key : key + "-" + std::to_string(instance));
    if (auto made = make_dirs(base, 0755); !made) {
      return std::unexpected(made.error());
    }
    if (::mkdir(dir.c_str(), m.mode) == 0) {
      ::chown(dir.c_str(), m.uid, m.gid);
      ::chmod(dir.c_str(), m.mode);
    } else if (errno != EEXIST) {
      return errno_fail("creating the cache mount " + dir.string());
    }
    if (m.sharing == "shared") {
      return dir;
    }
    Fd lock(::open((dir.string() + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!lock.valid()) {
      return errno_fail("opening the lock of " + dir.string());
    }
    const int how = m.sharing == "locked" ? LOCK_EX : LOCK_EX | LOCK_NB;
    if (::flock(lock.get(), how) == 0) {
      locks.push_back(std::move(lock));
      return dir;
    }
    if (m.sharing == "locked" || errno != EWOULDBLOCK) {
      return errno_fail("locking the cache mount " + dir.string());
    }
    // private: someone else uses this instance; take the next one.
  }
}

Result<void> make_workdir(const std::filesystem::path& root, const std::string& workdir,
                          const ExecUser& user) {
  auto resolved = resolve_in_root(root, workdir.empty() ? "/" : workdir);
  if (!resolved) {
    return std::unexpected(resolved.error());
  }
  std::size_t pos = 0;
  const std::string& target = *resolved;
  while (pos < target.size()) {
    auto next = target.find('/', pos + 1);
    if (next == std::string::npos) {
      next = target.size();
    }
    const auto host = host_path(root, target.substr(0, next));
    pos = next;
    if (::mkdir(host.c_str(), 0755) == 0) {
      ::lchown(host.c_str(), user.uid, user.gid);
    } else if (errno != EEXIST) {
      return errno_fail("creating WORKDIR " + workdir);
    }
  }
  return {};
}

Result<InitPlan> plan_init(const SandboxSpec& spec, const Rootfs& rootfs, CaptureRules& rules,
                           std::vector<Fd>& locks) {
  InitPlan plan;
  plan.root = rootfs.root;
  plan.root_is_mount = rootfs.overlay;
  plan.own_network = spec.own_network;
  plan.work_dir = spec.work_dir;
  plan.can_setgroups = spec.maps.setgroups_allowed;
  const auto& run = *spec.run;
  for (const char* dir : {"/dev", "/proc", "/sys"}) {
    if (auto made = mount_point(rootfs.root, dir, false, rules); !made) {
      return std::unexpected(made.error());
    }
  }
  for (const auto& [file, target] : {std::pair{"/etc/hosts", &plan.hosts_target},
                                     std::pair{"/etc/resolv.conf", &plan.resolv_target}}) {
    if (::access(file, R_OK) != 0) {
      continue;
    }
    auto made = mount_point(rootfs.root, file, true, rules);
    struct stat st {};
    if (made && ::stat(made->c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      *target = *made;
    }
  }
  auto passwd = read_in_root(rootfs.root, "/etc/passwd");
  auto group = read_in_root(rootfs.root, "/etc/group");
  auto user = resolve_user(run.user, passwd ? *passwd : "", group ? *group : "");
  if (!user) {
    return std::unexpected(user.error());
  }
  if (!is_mapped(spec.maps.uids, user->uid) || !is_mapped(spec.maps.gids, user->gid)) {
    return fail("USER {} (uid {}, gid {}) has no id in the sandbox's user namespace (uid map {}); "
                "a non-root USER needs a subordinate id range for the calling user in "
                "/etc/subuid and /etc/subgid (and the uidmap package)",
                run.user, user->uid, user->gid, describe(spec.maps.uids));
  }
  std::erase_if(user->groups, [&](std::uint32_t g) { return !is_mapped(spec.maps.gids, g); });
  plan.uid = user->uid;
  plan.gid = user->gid;
  // The primary group is also a supplementary one (containerd's fix for
  // CVE-2023-25173, which BuildKit follows).
  plan.groups = {user->gid};
  for (const auto g : user->groups) {
    if (g != user->gid) {
      plan.groups.push_back(g);
    }
  }
  plan.workdir = run.workdir.empty() ? "/" : run.workdir;
  if (auto made = make_workdir(rootfs.root, plan.workdir, *user); !made) {
    return std::unexpected(made.error());
  }
  plan.argv = spec.command.argv;
  plan.scripts = spec.command.files;
  plan.env = build_env(run, user->home);
  for (const auto& m : spec.mounts) {
    if (m.type == planner::MountType::secret && !m.secret_env.empty()) {
      plan.env.push_back(m.secret_env + "=" + m.secret_value);
    }
    if (m.target.empty()) {
      continue;
    }
    struct stat st {};
    const bool file = m.type == planner::MountType::secret ||
                      (m.type == planner::MountType::bind && ::stat(m.source.c_str(), &st) == 0 &&
                       !S_ISDIR(st.st_mode));
    auto host = mount_point(rootfs.root, m.target, file, rules);
    if (!host) {
      return std::unexpected(host.error());
    }
    ResolvedMount rm{&m, *host, {}};
    if (m.type == planner::MountType::cache) {
      auto dir = cache_mount_dir(spec, m, locks);
      if (!dir) {
        return std::unexpected(dir.error());
      }
      rm.cache_dir = *dir;
    }
    plan.mounts.push_back(std::move(rm));
  }
  std::stable_sort(plan.mounts.begin(), plan.mounts.end(), [](const auto& a, const auto& b) {
    return a.host_target.size() < b.host_target.size();
  });
  return plan;
}

Result<int> run_init(InitPlan& plan) {
  const pid_t init = ::fork();
  if (init < 0) {
    return errno_fail("fork");
  }
  if (init == 0) {
    init_main(plan);
  }
  report(plan.report_fd, "init", std::to_string(init));
  ::close(plan.output_fd);
  int status = 0;
  while (::waitpid(init, &status, 0) < 0) {
    if (errno != EINTR) {
      return errno_fail("waiting for the sandbox");
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Result<void> child_body(const SandboxSpec& spec, int report_fd, int go_fd, int output_fd) {
  if (auto root = become_root(report_fd, go_fd); !root) {
    return root;
  }
  for (const auto& [digest, tree] : spec.layers) {
    auto dir = layer_dir(spec.cache_dir, digest);
    struct stat st {};
    if (dir && ::stat(dir->c_str(), &st) == 0) {
      continue;
    }
    if (tree == nullptr) {
      return fail("layer {} is neither unpacked in the cache nor given", digest);
    }
    if (auto made = ensure_layer_dir(spec.cache_dir, digest, *tree); !made) {
      return std::unexpected(made.error());
    }
  }
  int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS;
  if (spec.own_network) {
    flags |= CLONE_NEWNET;
  }
  if (::unshare(flags) != 0) {
    return errno_fail("creating the sandbox's namespaces");
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return errno_fail("making mounts private");
  }
  ::sethostname("distill", 7);
  if (spec.own_network) {
    if (auto up = loopback_up(); !up) {
      return up;
    }
  }
  auto rootfs = stack_rootfs(spec);
  if (!rootfs) {
    return std::unexpected(rootfs.error());
  }
  CaptureRules rules;
  std::vector<Fd> locks;
  auto plan = plan_init(spec, *rootfs, rules, locks);
  if (!plan) {
    return std::unexpected(plan.error());
  }
  plan->output_fd = output_fd;
  plan->report_fd = report_fd;
  Snapshot before;
  if (!rootfs->overlay) {
    auto snap = take_snapshot(rootfs->root, rules);
    if (!snap) {
      return std::unexpected(snap.error());
    }
    before = std::move(*snap);
  }
  report(report_fd, "rootfs", rootfs->overlay ? "overlay" : "copy");
  auto code = run_init(*plan);
  if (!code) {
    return std::unexpected(code.error());
  }
  Result<void> captured;
  if (*code == 0) {
    if (rootfs->overlay) {
      ::umount2(rootfs->root.c_str(), MNT_DETACH);
      captured = capture_upper(spec.work_dir / "upper", rootfs->lowers_top_first, rules,
                               spec.capture_dir);
    } else {
      captured = capture_diff(rootfs->root, before, rules, spec.capture_dir);
    }
  } else if (rootfs->overlay) {
    ::umount2(rootfs->root.c_str(), MNT_DETACH);
  }
  // The scratch files may belong to ids only this namespace can remove.
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(spec.work_dir, ec)) {
    (void)remove_tree(entry.path());
  }
  return captured;
}

} // namespace

void report(int fd, std::string_view kind, std::string_view text) {
  std::string line(kind);
  line += ' ';
  for (const char c : text) {
    if (c == '\n') {
      line += "\\n";
    } else if (c == '\\') {
      line += "\\\\";
    } else {
      line += c;
    }
  }
  line += '\n';
  write_all(fd, line);
}

[[noreturn]] void child_main(const SandboxSpec& spec, pid_t parent, int report_fd, int go_fd,
                             int output_fd) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) {
    ::_exit(1); // the caller died before the death signal was armed
  }
  // Our own process group: the terminal's Ctrl-C reaches only the caller,
  // which then kills the sandbox's init so that we still clean up.
  ::setpgid(0, 0);
  ::signal(SIGPIPE, SIG_DFL);
  auto done = child_body(spec, report_fd, go_fd, output_fd);
  if (!done) {
    child_fail(report_fd, done.error());
  }
  report(report_fd, "done", "");
  ::_exit(0);
}

} // namespace distill::backend::sandbox
