#include "backend/sandbox/id_map.hpp"

#include "backend/sandbox/sys.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

namespace {

constexpr std::uint32_t k_all_ids = 4294967295u; // the whole 32-bit id space but -1

std::string helper_path(const char* name) {
  for (const char* dir : {"/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/"}) {
    std::string path = std::string(dir) + name;
    if (::access(path.c_str(), X_OK) == 0) {
      return path;
    }
  }
  return {};
}

std::string user_name(uid_t uid) {
  struct passwd pw {};
  struct passwd* found = nullptr;
  char buffer[4096];
  if (::getpwuid_r(uid, &pw, buffer, sizeof buffer, &found) == 0 && found != nullptr) {
    return found->pw_name;
  }
  return {};
}

std::optional<std::uint32_t> parse_u32(std::string_view text) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

Result<void> write_proc(pid_t pid, const char* name, const std::string& text) {
  const std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd.valid() || !write_all(fd.get(), text)) {
    return errno_fail("writing " + path + " (\"" + text + "\")");
  }
  return {};
}

std::string map_text(const std::vector<IdRange>& ranges) {
  std::string text;
  for (const auto& r : ranges) {
    text += std::to_string(r.inside) + " " + std::to_string(r.outside) + " " +
            std::to_string(r.count) + "\n";
  }
  return text;
}

Result<void> run_helper(const std::string& helper, pid_t pid, const std::vector<IdRange>& ranges) {
  std::vector<std::string> args{helper, std::to_string(pid)};
  for (const auto& r : ranges) {
    args.push_back(std::to_string(r.inside));
    args.push_back(std::to_string(r.outside));
    args.push_back(std::to_string(r.count));
  }
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  pid_t child = 0;
  if (const int rc = ::posix_spawn(&child, helper.c_str(), nullptr, nullptr, argv.data(), environ);
      rc != 0) {
    return fail("running {}: {}", helper, std::strerror(rc));
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      return errno_fail("waiting for " + helper);
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return fail("{} {} failed (status {}); check the ranges in /etc/subuid and /etc/subgid", helper,
                describe(ranges), status);
  }
  return {};
}

} // namespace

std::vector<IdRange> read_subid_ranges(const std::string& file, const std::string& name,
                                       std::uint32_t id) {
  std::vector<IdRange> ranges;
  std::ifstream in(file);
  std::string line;
  const std::string id_text = std::to_string(id);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string owner, start, count;
    if (!std::getline(fields, owner, ':') || !std::getline(fields, start, ':') ||
        !std::getline(fields, count)) {
      continue;
    }
    if (owner != id_text && (name.empty() || owner != name)) {
      continue;
    }
    const auto s = parse_u32(start);
    const auto c = parse_u32(count);
    if (s && c && *c > 0) {
      ranges.push_back(IdRange{0, *s, *c});
    }
  }
  return ranges;
}

Result<IdMaps> plan_id_maps(IdMapMode mode) {
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  IdMaps maps;
  if (mode == IdMapMode::single) {
    maps.uids = {IdRange{0, uid, 1}};
    maps.gids = {IdRange{0, gid, 1}};
    maps.setgroups_allowed = uid == 0;
    return maps;
  }
  if (uid == 0) {
    // Real root may write any mapping itself; identity keeps host and image ids equal.
    maps.uids = {IdRange{0, 0, k_all_ids}};
    maps.gids = {IdRange{0, 0, k_all_ids}};
    return maps;
  }
  const std::string name = user_name(uid);
  auto sub_uids = read_subid_ranges("/etc/subuid", name, uid);
  auto sub_gids = read_subid_ranges("/etc/subgid", name, uid);
  if (sub_uids.empty() || sub_gids.empty()) {
    maps.uids = {IdRange{0, uid, 1}};
    maps.gids = {IdRange{0, gid, 1}};
    maps.setgroups_allowed = false;
    return maps;
  }
  if (helper_path("newuidmap").empty() || helper_path("newgidmap").empty()) {
    return fail("user {} has a range in /etc/subuid but newuidmap/newgidmap are missing; "
                "install the uidmap package",
                name.empty() ? std::to_string(uid) : name);
  }
  maps.uids = {IdRange{0, uid, 1}, IdRange{1, sub_uids[0].outside, sub_uids[0].count}};
  maps.gids = {IdRange{0, gid, 1}, IdRange{1, sub_gids[0].outside, sub_gids[0].count}};
  maps.via_helpers = true;
  return maps;
}

Result<void> apply_id_maps(pid_t pid, const IdMaps& maps) {
  if (maps.via_helpers) {
    if (auto r = run_helper(helper_path("newuidmap"), pid, maps.uids); !r) {
      return r;
    }
    return run_helper(helper_path("newgidmap"), pid, maps.gids);
  }
  if (auto r = write_proc(pid, "uid_map", map_text(maps.uids)); !r) {
    return r;
  }
  if (::geteuid() != 0) {
    // An unprivileged writer must give up setgroups before it may write gid_map.
    if (auto r = write_proc(pid, "setgroups", "deny"); !r) {
      return r;
    }
  }
  return write_proc(pid, "gid_map", map_text(maps.gids));
}

bool is_mapped(const std::vector<IdRange>& ranges, std::uint32_t inside) {
  for (const auto& r : ranges) {
    if (inside >= r.inside && inside - r.inside < r.count) {
      return true;
    }
  }
  return false;
}

std::string describe(const std::vector<IdRange>& ranges) {
  std::string text;
  for (const auto& r : ranges) {
    if (!text.empty()) {
      text += " / ";
    }
    text += std::to_string(r.inside) + " " + std::to_string(r.outside) + " " +
            std::to_string(r.count);
  }
  return text;
}

} // namespace distill::backend::sandbox
