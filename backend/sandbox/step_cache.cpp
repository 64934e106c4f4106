#include "backend/sandbox/step_cache.hpp"

#include "backend/sandbox/sys.hpp"
#include "support/sha256.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

namespace {

constexpr int k_key_version = 1;

Result<void> hash_entry(const std::string& host, const std::string& rel, support::Sha256& hash) {
  struct stat st {};
  if (::lstat(host.c_str(), &st) != 0) {
    return errno_fail("stat " + host);
  }
  hash.update(rel);
  hash.update(std::string_view("\0", 1));
  hash.update(std::to_string(st.st_mode));
  if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<std::size_t>(st.st_size) + 256, '\0');
    const auto n = ::readlink(host.c_str(), target.data(), target.size());
    target.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
    hash.update(target);
  } else if (S_ISREG(st.st_mode)) {
    Fd fd(::open(host.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
      return errno_fail("open " + host);
    }
    support::Sha256 content;
    char buffer[65536];
    for (;;) {
      const auto n = ::read(fd.get(), buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0) {
        return errno_fail("read " + host);
      }
      if (n == 0) {
        break;
      }
      content.update(std::string_view(buffer, static_cast<std::size_t>(n)));
    }
    hash.update(content.hex_digest());
  } else if (S_ISDIR(st.st_mode)) {
    std::vector<std::string> names;
    if (DIR* dir = ::opendir(host.c_str())) {
      while (const dirent* e = ::readdir(dir)) {
        const std::string_view n = e->d_name;
        if (n != "." && n != "..") {
          names.emplace_back(n);
        }
      }
      ::closedir(dir);
    } else {
      return errno_fail("opendir " + host);
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      if (auto r = hash_entry(host + "/" + name, rel + "/" + name, hash); !r) {
        return r;
      }
    }
  }
  hash.update(std::string_view("\n", 1));
  return {};
}

} // namespace

Result<std::string> content_hash(const std::filesystem::path& path) {
  support::Sha256 hash;
  if (auto r = hash_entry(path.string(), "", hash); !r) {
    return std::unexpected(r.error());
  }
  return hash.hex_digest();
}

Result<std::string> step_cache_key(const planner::Run& run, const std::vector<std::string>& layer_digests,
                                   const std::vector<PreparedMount>& mounts, const std::string& network,
                                   bool single_id_map) {
  nlohmann::json heredocs = nlohmann::json::array();
  for (const auto& doc : run.heredocs) {
    heredocs.push_back({doc.name, doc.content, doc.fd});
  }
  nlohmann::json env = nlohmann::json::array();
  for (const auto& [key, value] : run.env) {
    env.push_back({key, value});
  }
  nlohmann::json mount_list = nlohmann::json::array();
  for (const auto& m : mounts) {
    nlohmann::json item = {{"type", static_cast<int>(m.type)}, {"target", m.target},
                           {"readonly", m.readonly}, {"uid", m.uid}, {"gid", m.gid},
                           {"mode", m.mode}};
    if (m.type == planner::MountType::bind) {
      auto hash = content_hash(m.source);
      if (!hash) {
        return std::unexpected(hash.error().context("hashing the bind mount " + m.target));
      }
      item["content"] = *hash;
    } else if (m.type == planner::MountType::secret) {
      item["secret"] = m.secret_id; // the id only: a new value does not rerun the step
      item["env"] = m.secret_env;
    } else if (m.type == planner::MountType::tmpfs && m.size) {
      item["size"] = *m.size;
    }
    mount_list.push_back(item);
  }
  const nlohmann::json key = {
      {"version", k_key_version}, {"layers", layer_digests}, {"shell_form", run.shell_form},
      {"argv", run.argv},         {"script", run.script},    {"shell", run.shell},
      {"heredocs", heredocs},     {"env", env},              {"user", run.user},
      {"workdir", run.workdir},   {"mounts", mount_list},    {"network", network},
      {"single_id_map", single_id_map}};
  return support::sha256_hex(key.dump());
}

std::filesystem::path find_cached_step(const std::filesystem::path& cache_dir, const std::string& key) {
  const auto dir = cache_dir / "steps" / key;
  struct stat st {};
  return ::stat((dir / "manifest.json").c_str(), &st) == 0 ? dir : std::filesystem::path();
}

Result<std::filesystem::path> store_step(const std::filesystem::path& cache_dir, const std::string& key,
                                         const std::filesystem::path& temp) {
  const auto final_dir = cache_dir / "steps" / key;
  if (::rename(temp.c_str(), final_dir.c_str()) == 0) {
    return final_dir;
  }
  if (errno != EEXIST && errno != ENOTEMPTY) {
    return errno_fail("storing the step in " + final_dir.string());
  }
  // --no-cache reran a cached step: swap the new capture in.
  auto old = make_temp_dir(cache_dir / "steps", ".old-");
  if (!old) {
    return std::unexpected(old.error());
  }
  const auto parked = *old / "step";
  if (::rename(final_dir.c_str(), parked.c_str()) != 0 ||
      ::rename(temp.c_str(), final_dir.c_str()) != 0) {
    return errno_fail("replacing the step in " + final_dir.string());
  }
  (void)remove_tree(*old);
  return final_dir;
}

} // namespace distill::backend::sandbox
