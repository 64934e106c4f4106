#include "support/run_program.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string_view>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace distill::support {

namespace {

using Clock = std::chrono::steady_clock;

// The environment for the child: ours, with messages forced to English so
// errors quoted to the user read the same everywhere.
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (!entry.starts_with("LC_ALL=") && !entry.starts_with("LANGUAGE=")) {
      env.emplace_back(entry);
    }
  }
  env.emplace_back("LC_ALL=C");
  return env;
}

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() = default;
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    close_end(0);
    close_end(1);
  }
  void close_end(int i) {
    if (fds[i] >= 0) {
      ::close(fds[i]);
      fds[i] = -1;
    }
  }
};

// Writing to a child that exited without reading all of its stdin must give
// EPIPE, not a SIGPIPE that kills distill: blocked in this thread while the
// child runs, and a SIGPIPE raised meanwhile is consumed, not delivered later.
class SigpipeBlock {
public:
  SigpipeBlock() {
    sigemptyset(&m_pipe);
    sigaddset(&m_pipe, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &m_pipe, &m_old);
    sigset_t pending;
    sigpending(&pending);
    m_was_pending = sigismember(&pending, SIGPIPE) == 1;
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;
  ~SigpipeBlock() {
    sigset_t pending;
    sigpending(&pending);
    if (!m_was_pending && sigismember(&pending, SIGPIPE) == 1) {
      const timespec now{0, 0};
      ::sigtimedwait(&m_pipe, nullptr, &now);
    }
    ::pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
  }

private:
  sigset_t m_pipe{};
  sigset_t m_old{};
  bool m_was_pending = false;
};

// Starts argv with the three pipes as its stdin, stdout and stderr, its signal
// mask cleared (ours blocks SIGPIPE) and SIGPIPE at its default.
Result<pid_t> spawn(const std::vector<std::string>& argv, Pipe& in, Pipe& out, Pipe& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fds[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  auto env_strings = child_environment();
  std::vector<char*> env;
  for (auto& entry : env_strings) {
    env.push_back(entry.data());
  }
  env.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  in.close_end(0);
  out.close_end(1);
  err.close_end(1);
  if (rc != 0) {
    return fail("cannot run {}: {}", argv[0], std::strerror(rc));
  }
  return pid;
}

// Feeds stdin and drains stdout and stderr in one poll loop until both
// outputs are closed; false when the deadline passed first.
bool exchange(const std::string& input, Pipe& in, Pipe& out, Pipe& err, ProgramOutput& output,
              Clock::time_point deadline) {
  std::size_t written = 0;
  if (input.empty()) {
    in.close_end(1);
  }
  std::string* sinks[2] = {&output.out, &output.err};
  Pipe* sources[2] = {&out, &err};
  char buffer[16384];
  while (out.fds[0] >= 0 || err.fds[0] >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd polls[3] = {{in.fds[1], POLLOUT, 0}, {out.fds[0], POLLIN, 0}, {err.fds[0], POLLIN, 0}};
    if (::poll(polls, 3, static_cast<int>(std::min<long long>(left.count(), 60000))) < 0) {
      if (errno == EINTR) {
        continue;
      }
      return true; // cannot wait on the pipes: collect the child as it is
    }
    if (polls[0].revents != 0) {
      const auto n = ::write(in.fds[1], input.data() + written, input.size() - written);
      if (n > 0) {
        written += static_cast<std::size_t>(n);
      }
      // EPIPE: the child stopped reading; it will say why on stderr or by its exit.
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
        in.close_end(1);
      }
    }
    for (int i = 0; i < 2; ++i) {
      if (polls[i + 1].revents == 0) {
        continue;
      }
      const auto n = ::read(sources[i]->fds[0], buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        sources[i]->close_end(0);
      }
    }
  }
  return true;
}

// Waits for the child until the deadline (it may close its outputs and go on).
bool reap(pid_t pid, Clock::time_point deadline, int& status) {
  while (true) {
    const pid_t got = ::waitpid(pid, &status, WNOHANG);
    if (got == pid || (got < 0 && errno != EINTR)) {
      return true;
    }
    if (Clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

} // namespace

Result<ProgramOutput> run_program(const std::vector<std::string>& argv, const ProgramOptions& options) {
  if (argv.empty()) {
    return fail("run_program: no program given");
  }
  const auto deadline = Clock::now() + options.timeout;
  Pipe in, out, err;
  if (::pipe2(in.fds, O_CLOEXEC) != 0 || ::pipe2(out.fds, O_CLOEXEC) != 0 || ::pipe2(err.fds, O_CLOEXEC) != 0) {
    return fail("running {}: pipe: {}", argv[0], std::strerror(errno));
  }
  // Our end of stdin never blocks: a full pipe means "read the outputs first".
  ::fcntl(in.fds[1], F_SETFL, ::fcntl(in.fds[1], F_GETFL) | O_NONBLOCK);
  const SigpipeBlock no_sigpipe;
  auto pid = spawn(argv, in, out, err);
  if (!pid) {
    return std::unexpected(pid.error());
  }
  ProgramOutput output;
  int status = 0;
  const bool drained = exchange(options.input, in, out, err, output, deadline);
  in.close_end(1); // a child that closed its outputs may still wait for the end of its input
  if (!drained || !reap(*pid, deadline, status)) {
    ::kill(*pid, SIGKILL);
    while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
    }
    return fail("{} did not finish within {:.1f} s and was killed", argv[0],
                static_cast<double>(options.timeout.count()) / 1000.0);
  }
  output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return output;
}

} // namespace distill::support
