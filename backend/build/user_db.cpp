#include "backend/build/user_db.hpp"

#include <charconv>
#include <sstream>

namespace distill::backend::build {

namespace {

std::vector<std::string> split(std::string_view line, char separator) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const auto end = line.find(separator, start);
    fields.emplace_back(line.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) {
      return fields;
    }
    start = end + 1;
  }
}

std::optional<std::uint32_t> parse_id(std::string_view text) {
  std::uint32_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return std::nullopt;
  }
  return value;
}

template <typename Fn>
void for_each_line(std::string_view text, Fn fn) {
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const auto line = text.substr(start, end - start);
    if (!line.empty() && line.front() != '#') {
      fn(line);
    }
    start = end + 1;
  }
}

std::string read_etc(const fs::Tree& rootfs, std::string_view path) {
  auto resolved = rootfs.resolve(path);
  if (!resolved) {
    return {};
  }
  const fs::Entry* entry = rootfs.link_source(*resolved);
  if (entry == nullptr) {
    return {};
  }
  auto text = fs::read_content(entry->content);
  return text ? *text : std::string();
}

} // namespace

std::vector<PasswdEntry> parse_passwd(std::string_view text) {
  std::vector<PasswdEntry> entries;
  for_each_line(text, [&](std::string_view line) {
    const auto fields = split(line, ':');
    if (fields.size() < 7) {
      return;
    }
    const auto uid = parse_id(fields[2]);
    const auto gid = parse_id(fields[3]);
    if (!uid || !gid) {
      return;
    }
    entries.push_back({fields[0], *uid, *gid, fields[4], fields[5], fields[6]});
  });
  return entries;
}

std::vector<GroupEntry> parse_group(std::string_view text) {
  std::vector<GroupEntry> entries;
  for_each_line(text, [&](std::string_view line) {
    const auto fields = split(line, ':');
    if (fields.size() < 3) {
      return;
    }
    const auto gid = parse_id(fields[2]);
    if (!gid) {
      return;
    }
    GroupEntry group{fields[0], *gid, {}};
    if (fields.size() > 3 && !fields[3].empty()) {
      group.members = split(fields[3], ',');
    }
    entries.push_back(std::move(group));
  });
  return entries;
}

support::Result<Owner> resolve_owner(const fs::Tree& rootfs, const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string user = spec.substr(0, colon);
  const std::string group = colon == std::string::npos ? std::string() : spec.substr(colon + 1);
  Owner owner;
  bool group_from_user = group.empty();
  if (auto uid = parse_id(user)) {
    owner.uid = *uid;
    owner.gid = *uid;
  } else if (!user.empty()) {
    bool found = false;
    for (const auto& entry : parse_passwd(read_etc(rootfs, "/etc/passwd"))) {
      if (entry.name == user) {
        // BuildKit: with only a user, the gid equals the uid.
        owner = {entry.uid, entry.uid};
        found = true;
        break;
      }
    }
    if (!found) {
      return support::fail("unable to find user {}: no matching entries in passwd file", user);
    }
  }
  if (!group_from_user) {
    if (auto gid = parse_id(group)) {
      owner.gid = *gid;
    } else {
      bool found = false;
      for (const auto& entry : parse_group(read_etc(rootfs, "/etc/group"))) {
        if (entry.name == group) {
          owner.gid = entry.gid;
          found = true;
          break;
        }
      }
      if (!found) {
        return support::fail("unable to find group {}: no matching entries in group file", group);
      }
    }
  }
  return owner;
}

} // namespace distill::backend::build
