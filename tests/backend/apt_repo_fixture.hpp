#pragma once

// The hermetic apt repository for tests, reusable from any test executable
// (header-only, POSIX and the standard library only):
//
//   auto repo = distill::testing::apt_repo_fixture();      // built once per build tree
//   if (!repo) GTEST_SKIP() << repo.error();  (or FAIL())
//   auto server = distill::testing::LoopbackServer::start(repo->repo);
//   (*server)->url()  ->  "http://127.0.0.1:<port>"  (suite "fixture", component "main")
//
// What it contains: tests/backend/fixtures/apt-repo-packages.json and the
// docstring of tests/backend/fixtures/make-apt-repo; manifest.json lists every
// .deb (suite, package, version, architecture, filename, sha256, size).

#include <cerrno>
#include <chrono>
#include <cstring>
#include <expected>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace distill::testing {

namespace fixture_detail {

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Spawns argv (no shell) with stdin/stdout redirected to the given fds (-1:
// inherit). Returns the pid or an error.
inline std::expected<pid_t, std::string> spawn(const std::vector<std::string>& argv, int stdin_fd,
                                               int stdout_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  }
  if (stdout_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
  }
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return std::unexpected("cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  return pid;
}

inline int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

} // namespace fixture_detail

struct AptRepoFixture {
  std::filesystem::path dir;           // everything the builder made
  std::filesystem::path repo;          // the root to serve (dists/, pool/)
  std::filesystem::path keyring;       // the signing key, a binary keyring for gpgv
  std::filesystem::path other_keyring; // an unrelated key
  std::filesystem::path manifest;      // manifest.json
};

inline std::filesystem::path fixture_script(const char* name) {
  return std::filesystem::path(DISTILL_SOURCE_DIR) / "tests/backend/fixtures" / name;
}

// Builds the repository with make-apt-repo, once per build tree and content
// of the builder and its spec (a later call, in any process, reuses it).
inline std::expected<AptRepoFixture, std::string> apt_repo_fixture() {
  namespace fs = std::filesystem;
  const fs::path script = fixture_script("make-apt-repo");
  const fs::path spec = fixture_script("apt-repo-packages.json");
  const std::size_t key = std::hash<std::string>{}(fixture_detail::read_text(script) + '\0' +
                                                   fixture_detail::read_text(spec));
  char hex[32];
  std::snprintf(hex, sizeof hex, "%016zx", key);
  const fs::path base = fs::path(DISTILL_BINARY_DIR) / "test-fixtures";
  const fs::path dir = base / (std::string("apt-repo-") + hex);
  auto result = [&] {
    return AptRepoFixture{dir, dir / "repo", dir / "keys/archive-keyring.gpg",
                          dir / "keys/other-keyring.gpg", dir / "manifest.json"};
  };
  if (fs::exists(dir / "manifest.json")) {
    return result();
  }
  std::error_code ec;
  fs::create_directories(base, ec);
  const fs::path temp = base / (std::string("building-") + hex + "-" + std::to_string(::getpid()));
  fs::remove_all(temp, ec);
  const int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  auto pid = fixture_detail::spawn({"/usr/bin/python3", script.string(), temp.string(), "--spec",
                                    spec.string()},
                                   -1, devnull);
  ::close(devnull);
  if (!pid) {
    return std::unexpected(pid.error());
  }
  if (const int status = fixture_detail::wait_for(*pid); status != 0) {
    fs::remove_all(temp, ec);
    return std::unexpected("make-apt-repo failed with status " + std::to_string(status) +
                           " (needs dpkg-deb, gpg, xz)");
  }
  // Another process may have finished first: then its copy is as good.
  fs::rename(temp, dir, ec);
  if (ec) {
    fs::remove_all(temp, ec);
  }
  if (!fs::exists(dir / "manifest.json")) {
    return std::unexpected("make-apt-repo left no manifest in " + dir.string());
  }
  return result();
}

// tests/backend/fixtures/serve.py on 127.0.0.1 (a free port): Range support,
// fault injection under /_fault/<spec>/, a request log at /_log. Stopped (and
// reaped) on destruction; it also exits by itself if this process dies.
class LoopbackServer {
public:
  static std::expected<std::unique_ptr<LoopbackServer>, std::string>
  start(const std::filesystem::path& root) {
    int in[2];
    int out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
      return std::unexpected(std::string("pipe: ") + std::strerror(errno));
    }
    auto pid = fixture_detail::spawn(
        {"/usr/bin/python3", fixture_script("serve.py").string(), "--root", root.string()}, in[0],
        out[1]);
    ::close(in[0]);
    ::close(out[1]);
    if (!pid) {
      ::close(in[1]);
      ::close(out[0]);
      return std::unexpected(pid.error());
    }
    std::unique_ptr<LoopbackServer> server(new LoopbackServer(*pid, in[1]));
    std::string line;
    char c = 0;
    pollfd pfd{out[0], POLLIN, 0};
    while (line.find('\n') == std::string::npos) {
      if (::poll(&pfd, 1, 20000) <= 0 || ::read(out[0], &c, 1) != 1) {
        ::close(out[0]);
        return std::unexpected("serve.py did not report its port");
      }
      line += c;
    }
    ::close(out[0]);
    server->m_port = std::stoi(line.substr(line.find(' ') + 1));
    return server;
  }

  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;
  ~LoopbackServer() {
    ::close(m_stdin);
    ::kill(m_pid, SIGTERM);
    fixture_detail::wait_for(m_pid);
  }

  int port() const { return m_port; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

  // The body of a plain GET (e.g. "/_log"), or "" when it fails.
  std::string get(const std::string& path) const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(m_port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string response;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
      if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
        char buffer[4096];
        ssize_t n = 0;
        while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
          response.append(buffer, static_cast<std::size_t>(n));
        }
      }
    }
    ::close(fd);
    const auto body = response.find("\r\n\r\n");
    return body == std::string::npos ? std::string() : response.substr(body + 4);
  }

private:
  LoopbackServer(pid_t pid, int stdin_fd) : m_pid(pid), m_stdin(stdin_fd) {}
  pid_t m_pid;
  int m_stdin;
  int m_port = 0;
};

} // namespace distill::testing
