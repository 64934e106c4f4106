#include "backend/sandbox/user_db.hpp"

#include <charconv>
#include <optional>

namespace distill::backend::sandbox {

using support::fail;
using support::Result;

namespace {

std::optional<std::uint32_t> number(std::string_view text) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::vector<std::string_view> fields(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  for (;;) {
    const auto next = line.find(sep, pos);
    out.push_back(line.substr(pos, next == std::string_view::npos ? next : next - pos));
    if (next == std::string_view::npos) {
      return out;
    }
    pos = next + 1;
  }
}

// Calls `visit(fields)` for each non-comment line with at least `min_fields`.
template <typename Visit>
void each_line(std::string_view text, std::size_t min_fields, Visit visit) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const auto line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line.front() == '#') {
      continue;
    }
    const auto f = fields(line, ':');
    if (f.size() >= min_fields && visit(f)) {
      return;
    }
  }
}

} // namespace

Result<ExecUser> resolve_user(std::string_view spec, std::string_view passwd,
                              std::string_view group) {
  ExecUser user;
  const auto colon = spec.find(':');
  const auto user_arg = spec.substr(0, colon);
  const auto group_arg = colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
  const auto uid_arg = number(user_arg);
  const auto gid_arg = number(group_arg);

  std::string matched;
  each_line(passwd, 7, [&](const auto& f) {
    const auto uid = number(f[2]);
    const auto gid = number(f[3]);
    if (!uid || !gid) {
      return false;
    }
    const bool hit = user_arg.empty() ? *uid == 0 : uid_arg ? *uid == *uid_arg : f[0] == user_arg;
    if (hit) {
      matched = std::string(f[0]);
      user.uid = *uid;
      user.gid = *gid;
      user.home = std::string(f[5]);
    }
    return hit;
  });
  if (matched.empty() && !user_arg.empty()) {
    if (!uid_arg) {
      return fail("unable to find user {}: no matching entries in passwd file", user_arg);
    }
    user.uid = *uid_arg;
  }

  if (!group_arg.empty()) {
    bool found = false;
    each_line(group, 3, [&](const auto& f) {
      const auto gid = number(f[2]);
      if (gid && (gid_arg ? *gid == *gid_arg : f[0] == group_arg)) {
        user.gid = *gid;
        found = true;
      }
      return found;
    });
    if (!found) {
      if (!gid_arg) {
        return fail("unable to find group {}: no matching entries in group file", group_arg);
      }
      user.gid = *gid_arg;
    }
  } else if (!matched.empty()) {
    each_line(group, 4, [&](const auto& f) {
      const auto gid = number(f[2]);
      for (const auto member : fields(f[3], ',')) {
        if (gid && member == matched) {
          user.groups.push_back(*gid);
          break;
        }
      }
      return false;
    });
  }
  if (user.home.empty()) {
    user.home.assign(1, '/');
  }
  return user;
}

} // namespace distill::backend::sandbox
