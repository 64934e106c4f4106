#include "backend/sandbox/userns_remove.hpp"

#include "backend/sandbox/sys.hpp"

#include <csignal>

#include <grp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

Result<void> remove_as_sandbox(const std::filesystem::path& path, IdMapMode mode) {
  if (::geteuid() == 0) {
    return remove_tree(path);
  }
  auto maps = plan_id_maps(mode);
  if (!maps) {
    return std::unexpected(maps.error());
  }
  auto ready = make_pipe();
  auto go = make_pipe();
  auto result = make_pipe();
  if (!ready || !go || !result) {
    return errno_fail("pipe");
  }
  const pid_t child = ::fork();
  if (child < 0) {
    return errno_fail("fork");
  }
  if (child == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    char byte = 0;
    if (::unshare(CLONE_NEWUSER) != 0 || !write_all(ready->write.get(), "U") ||
        ::read(go->read.get(), &byte, 1) != 1 || byte != 'M') {
      ::_exit(1);
    }
    ::setgroups(0, nullptr);
    if (::setresgid(0, 0, 0) != 0 || ::setresuid(0, 0, 0) != 0) {
      write_all(result->write.get(), "cannot become root in the user namespace");
      ::_exit(1);
    }
    auto removed = remove_tree(path);
    if (!removed) {
      write_all(result->write.get(), removed.error().message);
    }
    ::_exit(removed ? 0 : 1);
  }
  ready->write.reset();
  go->read.reset();
  result->write.reset();
  char byte = 0;
  Result<void> mapped = fail("the helper process ended early");
  if (::read(ready->read.get(), &byte, 1) == 1) {
    mapped = apply_id_maps(child, *maps);
    write_all(go->write.get(), mapped ? "M" : "X");
  }
  go->write.reset();
  auto message = read_all(result->read.get());
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!mapped) {
    return mapped;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return fail("removing {}: {}", path.string(), message && !message->empty() ? *message : "failed");
  }
  return {};
}

} // namespace distill::backend::sandbox
