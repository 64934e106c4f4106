#include "backend/sandbox/run_mounts.hpp"

#include "backend/fs/tree.hpp"
#include "backend/sandbox/root_path.hpp"
#include "support/atomic_file.hpp"

#include <cstdlib>

#include <sys/stat.h>

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

namespace {

Result<std::string> absolute_target(const std::string& target, const std::string& workdir) {
  const std::string joined =
      !target.empty() && target.front() == '/' ? target : (workdir.empty() ? "/" : workdir) + "/" + target;
  auto normalized = fs::normalize_path(joined);
  if (!normalized) {
    return std::unexpected(normalized.error());
  }
  if (*normalized == "/") {
    return fail("RUN --mount target cannot be /");
  }
  return normalized;
}

Result<std::filesystem::path> bind_root(const planner::Mount& m, const BindSources& binds) {
  if (m.from_stage >= 0) {
    if (const auto it = binds.stage_dirs.find(m.from_stage); it != binds.stage_dirs.end()) {
      return it->second;
    }
    return fail("RUN --mount from={}: the stage's filesystem is not available", m.from);
  }
  if (!m.from.empty()) {
    if (const auto it = binds.named_dirs.find(m.from); it != binds.named_dirs.end()) {
      return it->second;
    }
    return fail("RUN --mount from={}: no such stage or image is available", m.from);
  }
  if (binds.context_dir.empty()) {
    return fail("RUN --mount=type=bind needs a build context");
  }
  return binds.context_dir;
}

Result<void> prepare_secret(const planner::Mount& m, const std::vector<SecretSource>& secrets,
                            PreparedMount& out, bool& skip) {
  out.secret_id = !m.id.empty() ? m.id : std::filesystem::path(m.target).filename().string();
  if (out.secret_id.empty()) {
    return fail("RUN --mount=type=secret needs an id or a target");
  }
  out.secret_env = m.env;
  out.secret_file = m.env.empty() || !m.target.empty();
  out.mode = m.mode.value_or(0400);
  out.uid = m.uid.value_or(0);
  out.gid = m.gid.value_or(0);
  const SecretSource* found = nullptr;
  for (const auto& s : secrets) {
    if (s.id == out.secret_id) {
      found = &s;
    }
  }
  if (found != nullptr && !found->env.empty()) {
    if (const char* value = std::getenv(found->env.c_str())) {
      out.secret_value = value;
      return {};
    }
    found = nullptr;
  } else if (found != nullptr) {
    auto value = support::read_file(found->file);
    if (!value) {
      return fail("secret {}: {}", out.secret_id, value.error().message);
    }
    out.secret_value = std::move(*value);
    return {};
  }
  if (m.required) {
    return fail("secret {} is required but was not given (use --secret id={},src=FILE or env=VAR)",
                out.secret_id, out.secret_id);
  }
  skip = true; // BuildKit leaves an optional missing secret unmounted
  return {};
}

} // namespace

Result<std::vector<PreparedMount>> prepare_mounts(const planner::Run& run, const BindSources& binds,
                                                  const std::vector<SecretSource>& secrets) {
  std::vector<PreparedMount> out;
  for (const auto& m : run.mounts) {
    PreparedMount p;
    p.type = m.type;
    bool skip = false;
    switch (m.type) {
    case planner::MountType::ssh:
      return fail("RUN --mount=type=ssh is not supported by distill; fetch private sources before "
                  "the build or use a secret mount");
    case planner::MountType::secret: {
      if (auto prepared = prepare_secret(m, secrets, p, skip); !prepared) {
        return std::unexpected(prepared.error());
      }
      const std::string target = m.target.empty() ? "/run/secrets/" + p.secret_id : m.target;
      if (p.secret_file) {
        auto absolute = absolute_target(target, run.workdir);
        if (!absolute) {
          return std::unexpected(absolute.error());
        }
        p.target = *absolute;
      }
      break;
    }
    case planner::MountType::cache:
    case planner::MountType::tmpfs:
    case planner::MountType::bind: {
      auto absolute = absolute_target(m.target, run.workdir);
      if (!absolute) {
        return std::unexpected(absolute.error());
      }
      p.target = *absolute;
      break;
    }
    }
    if (skip) {
      continue;
    }
    if (m.type == planner::MountType::cache) {
      p.cache_id = m.id.empty() ? p.target : m.id;
      p.sharing = m.sharing.empty() ? "shared" : m.sharing;
      if (p.sharing != "shared" && p.sharing != "private" && p.sharing != "locked") {
        return fail("invalid cache sharing \"{}\" for RUN --mount=type=cache", p.sharing);
      }
      p.readonly = m.readonly;
      p.uid = m.uid.value_or(0);
      p.gid = m.gid.value_or(0);
      p.mode = m.mode.value_or(0755);
    } else if (m.type == planner::MountType::tmpfs) {
      p.size = m.size;
    } else if (m.type == planner::MountType::bind) {
      auto root = bind_root(m, binds);
      if (!root) {
        return std::unexpected(root.error());
      }
      auto inside = resolve_in_root(*root, m.source.empty() ? "/" : m.source);
      if (!inside) {
        return std::unexpected(inside.error());
      }
      p.source = host_path(*root, *inside);
      struct stat st {};
      if (::stat(p.source.c_str(), &st) != 0) {
        return fail("RUN --mount=type=bind: source {} does not exist{}", m.source.empty() ? "/" : m.source,
                    m.from.empty() ? " in the build context" : " in " + m.from);
      }
      p.readonly = m.readonly;
    }
    out.push_back(std::move(p));
  }
  return out;
}

} // namespace distill::backend::sandbox
