#include "backend/build/file_op_exec.hpp"

#include "backend/build/user_db.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>

namespace distill::backend::build {

namespace {

// The view of a path through the layer being built, then the rootfs.
const fs::Entry* current(const fs::Tree& rootfs, const fs::Tree& layer, const std::string& path) {
  if (const fs::Entry* entry = layer.find(path)) {
    return entry->type == fs::EntryType::whiteout ? nullptr : entry;
  }
  return rootfs.find(path);
}

std::string read_current(const fs::Tree& rootfs, const fs::Tree& layer, const std::string& path) {
  const fs::Entry* entry = current(rootfs, layer, path);
  if (entry == nullptr || entry->type != fs::EntryType::regular) {
    return {};
  }
  auto text = fs::read_content(entry->content);
  return text ? *text : std::string();
}

support::Result<std::string> absolute(const std::string& path) {
  return fs::normalize_path(path.starts_with('/') ? path : "/" + path);
}

support::Result<void> write_text(fs::Tree& layer, const fs::Tree& rootfs, const std::string& path,
                                 std::string text, std::uint32_t default_mode, std::int64_t epoch) {
  const fs::Entry* old = current(rootfs, layer, path);
  fs::Entry entry = fs::make_file(fs::Content::from_bytes(std::move(text)),
                                  old != nullptr ? old->mode : default_mode, epoch);
  if (old != nullptr) {
    entry.uid = old->uid;
    entry.gid = old->gid;
  }
  return layer.add(path, entry);
}

std::optional<std::uint32_t> parse_octal(const std::string& text) {
  std::uint32_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 8);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value > 07777) {
    return std::nullopt;
  }
  return value;
}

// Applies a symbolic chmod ("u+x", "go-w", "a=r") to `mode`.
std::optional<std::uint32_t> apply_symbolic(std::uint32_t mode, const std::string& spec, bool is_dir) {
  std::size_t i = 0;
  while (i < spec.size()) {
    std::uint32_t who = 0;
    for (; i < spec.size() && std::string_view("ugoa").find(spec[i]) != std::string_view::npos; ++i) {
      who |= spec[i] == 'u' ? 04700U : spec[i] == 'g' ? 02070U : spec[i] == 'o' ? 01007U : 07777U;
    }
    if (who == 0) {
      who = 07777;
    }
    if (i >= spec.size() || std::string_view("+-=").find(spec[i]) == std::string_view::npos) {
      return std::nullopt;
    }
    const char action = spec[i++];
    std::uint32_t bits = 0;
    for (; i < spec.size() && spec[i] != ','; ++i) {
      switch (spec[i]) {
      case 'r': bits |= 0444; break;
      case 'w': bits |= 0222; break;
      case 'x': bits |= 0111; break;
      case 'X': bits |= (is_dir || (mode & 0111) != 0) ? 0111U : 0U; break;
      case 's': bits |= 06000; break;
      case 't': bits |= 01000; break;
      default: return std::nullopt;
      }
    }
    bits &= who;
    if (action == '+') {
      mode |= bits;
    } else if (action == '-') {
      mode &= ~bits;
    } else {
      mode = (mode & ~(who & 0777U)) | bits;
    }
    if (i < spec.size() && spec[i] == ',') {
      ++i;
    }
  }
  return mode;
}

// Copies a rootfs entry into the layer (if it is not there yet) and returns it.
support::Result<fs::Entry*> touch(const fs::Tree& rootfs, fs::Tree& layer, const std::string& path,
                                  const char* command) {
  if (fs::Entry* entry = layer.find(path); entry != nullptr && entry->type != fs::EntryType::whiteout) {
    return entry;
  }
  const fs::Entry* old = rootfs.find(path);
  if (old == nullptr) {
    return support::fail("{}: cannot access '{}': No such file or directory", command, path);
  }
  fs::Entry copy = *old;
  copy.implicit = false;
  if (copy.type == fs::EntryType::hardlink) {
    if (const fs::Entry* source = rootfs.link_source(path)) {
      copy = *source; // the layer cannot link into a lower layer
    }
  }
  if (auto added = layer.add(path, copy); !added) {
    return std::unexpected(added.error());
  }
  return layer.find(path);
}

// Paths the op names plus, when recursive, everything under them.
std::vector<std::string> with_children(const fs::Tree& rootfs, const fs::Tree& layer, const std::string& path,
                                       bool recursive) {
  std::set<std::string> paths{path};
  if (recursive) {
    const std::string prefix = path == "/" ? "/" : path + "/";
    for (const fs::Tree* tree : {&rootfs, &layer}) {
      for (auto it = tree->entries().lower_bound(prefix); it != tree->entries().end(); ++it) {
        if (!it->first.starts_with(prefix)) {
          break;
        }
        if (it->second.type != fs::EntryType::whiteout && current(rootfs, layer, it->first) != nullptr) {
          paths.insert(it->first);
        }
      }
    }
  }
  return {paths.begin(), paths.end()};
}

// The id the named tool would pick: useradd -r / groupadd -r go downward from
// SYS_*_MAX (999), adduser --system and busybox -S upward from 100, and
// regular accounts upward from 1000.
std::uint32_t free_id(const std::set<std::uint32_t>& used, bool system, const std::string& tool = "useradd") {
  if (system && (tool == "useradd" || tool == "groupadd" || tool.empty())) {
    for (std::uint32_t id = 999; id >= 100; --id) {
      if (!used.contains(id)) {
        return id;
      }
    }
  } else if (system) {
    for (std::uint32_t id = 100; id <= 999; ++id) {
      if (!used.contains(id)) {
        return id;
      }
    }
  }
  std::uint32_t id = 1000;
  while (used.contains(id)) {
    ++id;
  }
  return id;
}

support::Result<void> add_group(const planner::AddGroup& op, const fs::Tree& rootfs, fs::Tree& layer,
                                std::int64_t epoch, std::uint32_t* gid_out = nullptr) {
  std::string group_text = read_current(rootfs, layer, "/etc/group");
  const auto groups = parse_group(group_text);
  std::set<std::uint32_t> used;
  for (const auto& group : groups) {
    if (group.name == op.name) {
      if (gid_out != nullptr) {
        *gid_out = group.gid;
        return {};
      }
      return support::fail("groupadd: group '{}' already exists", op.name);
    }
    used.insert(group.gid);
  }
  const std::uint32_t gid = op.gid.value_or(free_id(used, op.system, op.tool));
  if (gid_out != nullptr) {
    *gid_out = gid;
  }
  if (!group_text.empty() && !group_text.ends_with('\n')) {
    group_text += '\n';
  }
  group_text += fmt::format("{}:x:{}:\n", op.name, gid);
  if (auto written = write_text(layer, rootfs, "/etc/group", group_text, 0644, epoch); !written) {
    return written;
  }
  std::string gshadow = read_current(rootfs, layer, "/etc/gshadow");
  if (current(rootfs, layer, "/etc/gshadow") != nullptr) {
    if (!gshadow.empty() && !gshadow.ends_with('\n')) {
      gshadow += '\n';
    }
    gshadow += fmt::format("{}:!::\n", op.name);
    return write_text(layer, rootfs, "/etc/gshadow", gshadow, 0640, epoch);
  }
  return {};
}

support::Result<void> add_user(const planner::AddUser& op, const fs::Tree& rootfs, fs::Tree& layer,
                               std::int64_t epoch) {
  std::string passwd = read_current(rootfs, layer, "/etc/passwd");
  std::set<std::uint32_t> used;
  for (const auto& entry : parse_passwd(passwd)) {
    if (entry.name == op.name) {
      return support::fail("useradd: user '{}' already exists", op.name);
    }
    used.insert(entry.uid);
  }
  const std::uint32_t uid = op.uid.value_or(free_id(used, op.system, op.tool));
  std::uint32_t gid = 0;
  if (op.gid) {
    gid = *op.gid;
  } else if (op.group.empty() && !op.create_group && op.system) {
    gid = 65534; // adduser --system without --group: nogroup
  } else {
    // Debian's useradd makes a group named after the user (USERGROUPS_ENAB).
    const std::string group = op.group.empty() ? op.name : op.group;
    planner::AddGroup group_op{group, std::nullopt, op.system, op.tool == "useradd" ? "groupadd" : op.tool,
                               op.where};
    if (op.group.empty()) {
      // Prefer the same number as the uid when it is free, as useradd does.
      std::set<std::uint32_t> used_gids;
      for (const auto& entry : parse_group(read_current(rootfs, layer, "/etc/group"))) {
        used_gids.insert(entry.gid);
      }
      if (!used_gids.contains(uid)) {
        group_op.gid = uid;
      }
    }
    if (auto added = add_group(group_op, rootfs, layer, epoch, &gid); !added) {
      return added;
    }
  }
  const std::string home = op.home.empty() ? (op.system ? "/nonexistent" : "/home/" + op.name) : op.home;
  const std::string shell = op.shell.empty() ? (op.system ? "/usr/sbin/nologin" : "/bin/sh") : op.shell;
  if (!passwd.empty() && !passwd.ends_with('\n')) {
    passwd += '\n';
  }
  passwd += fmt::format("{}:x:{}:{}:{}:{}:{}\n", op.name, uid, gid, op.gecos, home, shell);
  if (auto written = write_text(layer, rootfs, "/etc/passwd", passwd, 0644, epoch); !written) {
    return written;
  }
  if (current(rootfs, layer, "/etc/shadow") != nullptr) {
    std::string shadow = read_current(rootfs, layer, "/etc/shadow");
    if (!shadow.empty() && !shadow.ends_with('\n')) {
      shadow += '\n';
    }
    // The day count is pinned to the epoch so the layer stays reproducible.
    shadow += fmt::format("{}:!:{}:0:99999:7:::\n", op.name, epoch / 86400);
    if (auto written = write_text(layer, rootfs, "/etc/shadow", shadow, 0640, epoch); !written) {
      return written;
    }
  }
  for (const auto& extra : op.groups) {
    std::string group_text = read_current(rootfs, layer, "/etc/group");
    std::string out;
    bool found = false;
    std::size_t start = 0;
    while (start < group_text.size()) {
      auto end = group_text.find('\n', start);
      std::string line = group_text.substr(start, end == std::string::npos ? end : end - start);
      if (line.starts_with(extra + ":")) {
        found = true;
        line += line.ends_with(':') ? op.name : "," + op.name;
      }
      out += line + "\n";
      start = end == std::string::npos ? group_text.size() : end + 1;
    }
    if (!found) {
      return support::fail("useradd: group '{}' does not exist", extra);
    }
    if (auto written = write_text(layer, rootfs, "/etc/group", out, 0644, epoch); !written) {
      return written;
    }
  }
  if (op.create_home && home != "/nonexistent") {
    fs::Entry dir = fs::make_directory(0755, epoch);
    dir.uid = uid;
    dir.gid = gid;
    if (auto added = layer.add(home, dir); !added) {
      return added;
    }
    // useradd -m copies /etc/skel.
    for (auto it = rootfs.entries().lower_bound("/etc/skel/"); it != rootfs.entries().end(); ++it) {
      if (!it->first.starts_with("/etc/skel/")) {
        break;
      }
      fs::Entry copy = it->second;
      copy.uid = uid;
      copy.gid = gid;
      copy.implicit = false;
      if (auto added = layer.add(home + it->first.substr(9), copy); !added) {
        return added;
      }
    }
  }
  return {};
}

} // namespace

support::Result<bool> apply_file_op(const planner::Op& op, const fs::Tree& rootfs, fs::Tree& layer,
                                    std::int64_t epoch) {
  if (const auto* mkdir = std::get_if<planner::Mkdir>(&op)) {
    auto path = absolute(mkdir->path);
    if (!path) {
      return std::unexpected(path.error());
    }
    if (const fs::Entry* existing = current(rootfs, layer, *path)) {
      if (existing->is_dir()) {
        return true; // mkdir -p on an existing directory changes nothing
      }
      return support::fail("mkdir: cannot create directory '{}': File exists", mkdir->path);
    }
    auto added = layer.add(*path, fs::make_directory(mkdir->mode, epoch));
    if (!added) {
      return std::unexpected(added.error());
    }
    return true;
  }
  if (const auto* link = std::get_if<planner::Symlink>(&op)) {
    auto path = absolute(link->path);
    if (!path) {
      return std::unexpected(path.error());
    }
    // ln -s TARGET DIR puts the link inside an existing directory.
    if (const fs::Entry* existing = current(rootfs, layer, *path); existing != nullptr && existing->is_dir()) {
      *path = *path + "/" + std::string(fs::base_name(*fs::normalize_path("/" + link->target)));
    }
    auto added = layer.add(*path, fs::make_symlink(link->target, epoch));
    if (!added) {
      return std::unexpected(added.error());
    }
    return true;
  }
  if (const auto* write = std::get_if<planner::WriteFile>(&op)) {
    auto path = absolute(write->path);
    if (!path) {
      return std::unexpected(path.error());
    }
    std::string text = write->append ? read_current(rootfs, layer, *path) + write->content : write->content;
    auto written = write_text(layer, rootfs, *path, std::move(text), write->mode, epoch);
    if (!written) {
      return std::unexpected(written.error());
    }
    return true;
  }
  if (const auto* remove = std::get_if<planner::Remove>(&op)) {
    std::string raw = remove->path;
    const bool contents = raw.ends_with("/*");
    if (contents) {
      raw.resize(raw.size() - 2);
    }
    auto path = absolute(raw);
    if (!path) {
      return std::unexpected(path.error());
    }
    if (contents) {
      for (const auto& child : rootfs.children(*path)) {
        layer.remove(child);
        (void)layer.add(child, fs::make_whiteout());
      }
      for (const auto& child : layer.children(*path)) {
        if (rootfs.find(child) == nullptr) {
          layer.remove(child);
        }
      }
    } else {
      layer.remove(*path);
      if (rootfs.find(*path) != nullptr) {
        (void)layer.add(*path, fs::make_whiteout());
      }
    }
    return true;
  }
  if (const auto* chmod = std::get_if<planner::Chmod>(&op)) {
    const auto octal = parse_octal(chmod->mode);
    for (const auto& raw : chmod->paths) {
      auto path = absolute(raw);
      if (!path) {
        return std::unexpected(path.error());
      }
      for (const auto& each : with_children(rootfs, layer, *path, chmod->recursive)) {
        auto entry = touch(rootfs, layer, each, "chmod");
        if (!entry) {
          return std::unexpected(entry.error());
        }
        if ((*entry)->type == fs::EntryType::symlink) {
          continue;
        }
        const auto mode = octal ? octal : apply_symbolic((*entry)->mode, chmod->mode, (*entry)->is_dir());
        if (!mode) {
          return support::fail("chmod: invalid mode: '{}'", chmod->mode);
        }
        (*entry)->mode = *mode;
        (*entry)->mtime = epoch;
      }
    }
    return true;
  }
  if (const auto* chown = std::get_if<planner::Chown>(&op)) {
    fs::Tree view = rootfs; // names resolve against the files as changed so far
    if (auto applied = fs::apply_layer(view, layer); !applied) {
      return std::unexpected(applied.error());
    }
    auto owner = resolve_owner(view, chown->owner);
    if (!owner) {
      return std::unexpected(owner.error().context("chown"));
    }
    for (const auto& raw : chown->paths) {
      auto path = absolute(raw);
      if (!path) {
        return std::unexpected(path.error());
      }
      for (const auto& each : with_children(rootfs, layer, *path, chown->recursive)) {
        auto entry = touch(rootfs, layer, each, "chown");
        if (!entry) {
          return std::unexpected(entry.error());
        }
        (*entry)->uid = owner->uid;
        if (chown->owner.find(':') != std::string::npos) {
          (*entry)->gid = owner->gid;
        }
      }
    }
    return true;
  }
  if (const auto* user = std::get_if<planner::AddUser>(&op)) {
    auto added = add_user(*user, rootfs, layer, epoch);
    if (!added) {
      return std::unexpected(added.error());
    }
    return true;
  }
  if (const auto* group = std::get_if<planner::AddGroup>(&op)) {
    auto added = add_group(*group, rootfs, layer, epoch);
    if (!added) {
      return std::unexpected(added.error());
    }
    return true;
  }
  return false;
}

} // namespace distill::backend::build
