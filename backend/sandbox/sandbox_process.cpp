#include "backend/sandbox/sandbox.hpp"
#include "backend/sandbox/sys.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

namespace {

// The one piece of process-wide state: a signal handler can reach nothing
// else. It holds the process Ctrl-C must kill while a step runs.
std::atomic<pid_t> g_kill_target{0};
std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) {
  g_interrupted = true;
  const pid_t target = g_kill_target.load();
  if (target > 0) {
    ::kill(target, SIGKILL);
  }
}

// Installs the Ctrl-C handler for the duration of one step.
class InterruptGuard {
public:
  InterruptGuard() {
    g_interrupted = false;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &m_old_int);
    ::sigaction(SIGTERM, &action, &m_old_term);
  }
  ~InterruptGuard() {
    g_kill_target = 0;
    ::sigaction(SIGINT, &m_old_int, nullptr);
    ::sigaction(SIGTERM, &m_old_term, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
  struct sigaction m_old_int {};
  struct sigaction m_old_term {};
};

std::string unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out += text[i + 1] == 'n' ? '\n' : text[i + 1];
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

struct ReportState {
  SandboxOutcome outcome;
  std::optional<int> status;
  std::string error;
  bool done = false;
};

void handle_report(const std::string& line, const SandboxSpec& spec, pid_t child, int go_fd,
                   ReportState& state) {
  const auto space = line.find(' ');
  const std::string kind = line.substr(0, space);
  const std::string text = space == std::string::npos ? "" : unescape(line.substr(space + 1));
  if (kind == "userns") {
    auto applied = apply_id_maps(child, spec.maps);
    if (!applied) {
      state.error = applied.error().message;
    }
    write_all(go_fd, applied ? "M" : "X");
  } else if (kind == "init") {
    g_kill_target = static_cast<pid_t>(std::stol(text));
    if (g_interrupted) {
      ::kill(g_kill_target.load(), SIGKILL);
    }
  } else if (kind == "rootfs") {
    state.outcome.used_overlay = text == "overlay";
  } else if (kind == "status") {
    state.status = std::stoi(text);
  } else if (kind == "error") {
    state.error = text;
  } else if (kind == "done") {
    state.done = true;
  }
}

} // namespace

Result<SandboxOutcome> run_sandbox(const SandboxSpec& spec, const OutputFn& on_output) {
  auto report_pipe = make_pipe();
  auto go_pipe = make_pipe();
  auto output_pipe = make_pipe();
  if (!report_pipe || !go_pipe || !output_pipe) {
    return errno_fail("pipe");
  }
  InterruptGuard guard;
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child < 0) {
    return errno_fail("fork");
  }
  if (child == 0) {
    report_pipe->read.reset();
    go_pipe->write.reset();
    output_pipe->read.reset();
    child_main(spec, parent, report_pipe->write.get(), go_pipe->read.get(), output_pipe->write.get());
  }
  g_kill_target = child;
  report_pipe->write.reset();
  go_pipe->read.reset();
  output_pipe->write.reset();

  ReportState state;
  std::string pending;
  bool report_open = true;
  bool output_open = true;
  char buffer[65536];
  while (report_open || output_open) {
    struct pollfd fds[2] = {{report_open ? report_pipe->read.get() : -1, POLLIN, 0},
                            {output_open ? output_pipe->read.get() : -1, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno_fail("poll");
    }
    if (fds[1].revents != 0) {
      const auto n = ::read(output_pipe->read.get(), buffer, sizeof buffer);
      if (n > 0) {
        on_output(std::string_view(buffer, static_cast<std::size_t>(n)));
      } else if (n == 0 || errno != EINTR) {
        output_open = false;
      }
    }
    if (fds[0].revents != 0) {
      const auto n = ::read(report_pipe->read.get(), buffer, sizeof buffer);
      if (n > 0) {
        pending.append(buffer, static_cast<std::size_t>(n));
        std::size_t newline;
        while ((newline = pending.find('\n')) != std::string::npos) {
          handle_report(pending.substr(0, newline), spec, child, go_pipe->write.get(), state);
          pending.erase(0, newline + 1);
        }
      } else if (n == 0 || errno != EINTR) {
        report_open = false;
      }
    }
  }
  int wait_status = 0;
  while (::waitpid(child, &wait_status, 0) < 0 && errno == EINTR) {
  }
  state.outcome.interrupted = g_interrupted;
  if (state.outcome.interrupted) {
    return fail("RUN interrupted");
  }
  if (!state.error.empty()) {
    return fail("{}", state.error);
  }
  if (!state.status) {
    return fail("the sandbox ended without running the step (status {})", wait_status);
  }
  if (!state.done && *state.status == 0) {
    return fail("the sandbox ended before capturing the step (status {})", wait_status);
  }
  state.outcome.exit_code = *state.status;
  return state.outcome;
}

} // namespace distill::backend::sandbox
