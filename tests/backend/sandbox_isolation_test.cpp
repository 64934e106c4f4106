// What a step cannot do: reach the host's files, the network with
// --network=none, or outlive its step; Ctrl-C kills it.

#include "sandbox_fixture.hpp"

#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

#include <atomic>

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace sandbox_test {
namespace {

using SandboxIsolation = SandboxTest;

// Processes whose command line contains `needle`.
int processes_with(const std::string& needle) {
  int count = 0;
  DIR* proc = ::opendir("/proc");
  while (const dirent* e = proc ? ::readdir(proc) : nullptr) {
    std::ifstream in(std::string("/proc/") + e->d_name + "/cmdline");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    std::replace(text.begin(), text.end(), '\0', ' ');
    if (text.find(needle) != std::string::npos) {
      ++count;
    }
  }
  if (proc) {
    ::closedir(proc);
  }
  return count;
}

// A TCP socket listening on the host's 127.0.0.1; returns its port.
int listen_on_loopback(int& fd) {
  fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, 8) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return -1;
  }
  return ntohs(addr.sin_port);
}

TEST_F(SandboxIsolation, HostFilesAreNotVisible) {
  const auto marker = m_dir / "host-marker";
  std::ofstream(marker) << "host";
  auto result = run(shell_run("test ! -e " + marker.string() + " && test ! -e /work && test ! -e "
                              "/usr && ls / | tr '\\n' ' ' > /tmp/listing && ls /proc | grep -c '^[0-9]' > /pids && cat /proc/mounts > /mounts"));
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/tmp/listing"), "bin data dev etc home proc root sys tmp ")
      << "only the image's own top-level entries (and the mount points)";
  // The pid namespace holds the init, the shell, ls and grep: no host process.
  EXPECT_LE(std::stoi(content_of(result->layer, "/pids")), 4);
  // Only the sandbox's own mounts are there (overlay's options name its host
  // directories, as in any container, but nothing host-side is mounted).
  const std::string mounts = content_of(result->layer, "/mounts");
  EXPECT_EQ(mounts.find(" /work"), std::string::npos) << mounts;
  EXPECT_EQ(mounts.find(" /home "), std::string::npos) << mounts;
}

TEST_F(SandboxIsolation, DevProcAndSysWork) {
  auto result = run(shell_run(
      "echo x > /dev/null && head -c 4 /dev/zero | wc -c > /zero && head -c 8 /dev/urandom | wc -c "
      "> /rand && test -c /dev/pts/ptmx && test -d /dev/shm && touch /dev/shm/x && test -d "
      "/sys/kernel && ! touch /sys/kernel/x 2>/dev/null && ! echo 1 > /proc/sys/vm/drop_caches "
      "2>/dev/null && echo $$ > /mypid"));
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/zero"), "4\n");
  EXPECT_EQ(content_of(result->layer, "/rand"), "8\n");
  EXPECT_EQ(content_of(result->layer, "/mypid"), "2\n") << "the step is pid 2 under its own init";
}

TEST_F(SandboxIsolation, NetworkNoneHasOnlyLoopback) {
  int listener = -1;
  const int port = listen_on_loopback(listener);
  ASSERT_GT(port, 0);
  // Accept and hang up, so a client that got through ends at once.
  std::atomic<bool> stop{false};
  std::thread acceptor;
  struct Joiner {
    std::atomic<bool>& stop;
    std::thread& thread;
    ~Joiner() {
      stop = true;
      if (thread.joinable()) {
        thread.join();
      }
    }
  } joiner{stop, acceptor};
  acceptor = std::thread([&] {
    while (!stop) {
      pollfd pfd{listener, POLLIN, 0};
      if (::poll(&pfd, 1, 50) > 0) {
        const int conn = ::accept(listener, nullptr, nullptr);
        if (conn >= 0) {
          ::close(conn);
        }
      }
    }
  });
  const std::string probe = "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' ' | tr '\\n' ' ' "
                            "> /ifaces; if nc -w 2 127.0.0.1 " + std::to_string(port) +
                            " </dev/null; then echo reached > /conn; else echo blocked > /conn; fi";
  auto isolated = shell_run(probe);
  isolated.network = "none";
  auto result = run(isolated);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/ifaces"), "lo ");
  EXPECT_EQ(content_of(result->layer, "/conn"), "blocked\n");

  auto shared = shell_run(probe);
  shared.network = "default";
  result = run(shared);
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/conn"), "reached\n") << "default shares the host network";
  ::close(listener);
}

TEST_F(SandboxIsolation, DefaultNetworkOptionApplies) {
  m_options.default_network = "none";
  auto result = run(shell_run("cat /proc/net/dev | tail -n +3 | wc -l > /count"));
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  EXPECT_EQ(content_of(result->layer, "/count"), "1\n");
}

TEST_F(SandboxIsolation, BackgroundProcessesDieWithTheStep) {
  const std::string needle = "sleep 987" + std::to_string(::getpid() % 1000);
  auto result = run(shell_run("(" + needle + " &) ; setsid " + needle + " & nohup " + needle +
                              " >/dev/null 2>&1 & echo started"));
  ASSERT_TRUE(result) << result.error().message << "\n" << m_output;
  int left = 0;
  for (int i = 0; i < 50 && (left = processes_with(needle)) > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(left, 0) << "a background process outlived its step";
}

TEST_F(SandboxIsolation, InterruptKillsTheStep) {
  const std::string needle = "sleep 876" + std::to_string(::getpid() % 1000);
  std::thread interrupter([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    ::kill(::getpid(), SIGINT);
  });
  const auto start = std::chrono::steady_clock::now();
  auto result = run(shell_run(needle + " & " + needle));
  interrupter.join();
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("interrupted"), std::string::npos) << result.error().message;
  EXPECT_LT(took, std::chrono::seconds(30));
  int left = 0;
  for (int i = 0; i < 50 && (left = processes_with(needle)) > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(left, 0);
  for (const auto& entry : std::filesystem::directory_iterator(m_options.cache_dir / "work")) {
    ADD_FAILURE() << "left in the work directory: " << entry.path();
  }
}

} // namespace
} // namespace sandbox_test

namespace sandbox_test {
namespace {

TEST_F(SandboxIsolation, ScratchOfAKilledStepIsSweptLater) {
  const auto stale = m_options.cache_dir / "work" / "step-killed";
  std::filesystem::create_directories(stale / "upper" / "deep");
  std::ofstream(stale.string() + ".lock") << "";
  const struct timespec old[2] = {{0, UTIME_OMIT}, {::time(nullptr) - 3600, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, stale.c_str(), old, 0), 0);
  auto result = run(shell_run("true"));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_FALSE(std::filesystem::exists(stale.string() + ".lock"));
}

} // namespace
} // namespace sandbox_test
