#include "backend/deb/generators/package_effects.hpp"

#include "backend/deb/generators/shell_words.hpp"
#include "backend/deb/usrmerge.hpp"
#include "planner/debian/control.hpp"

#include <algorithm>
#include <charconv>
#include <set>

namespace distill::backend::deb::generators {

using support::Result;

namespace {

constexpr std::uint32_t k_mail_gid = 8;
constexpr std::uint32_t k_utmp_gid = 43;

// `cp -p`: the copy keeps the template's mode and mtime.
Result<void> copy_template(const Context& context, std::string_view from, std::string_view to,
                           fs::Tree& out) {
  if (context.image->contains(to)) {
    return {};
  }
  const fs::Entry* source = context.image->link_source(from);
  if (source == nullptr) {
    return {};
  }
  fs::Entry copy = *source;
  copy.type = fs::EntryType::regular;
  copy.link_target.clear();
  return put(out, to, copy);
}

Result<void> directory(const Context& context, std::string_view path, std::uint32_t mode,
                       std::uint32_t gid, fs::Tree& out) {
  if (context.image->contains(path)) {
    return {};
  }
  fs::Entry dir = fs::make_directory(mode, context.epoch);
  dir.gid = gid;
  return put(out, path, dir);
}

Result<void> empty_file(const Context& context, std::string_view path, std::uint32_t mode,
                        std::uint32_t gid, fs::Tree& out) {
  if (context.image->contains(path)) {
    return {};
  }
  return put(out, path, generated_file("", mode, context.epoch, 0, gid));
}

Result<void> symlink(const Context& context, std::string_view path, std::string target,
                     fs::Tree& out) {
  if (context.image->contains(path)) {
    return {};
  }
  return put(out, path, fs::make_symlink(std::move(target), context.epoch));
}

Result<void> base_files(const Context& context, fs::Tree& out) {
  const fs::Tree& image = *context.image;
  std::vector<Result<void>> steps;
  if (image.contains("/etc/dpkg/origins/debian")) {
    steps.push_back(symlink(context, "/etc/dpkg/origins/default", "debian", out));
  }
  steps.push_back(copy_template(context, "/usr/share/base-files/dot.profile", "/root/.profile", out));
  steps.push_back(copy_template(context, "/usr/share/base-files/dot.bashrc", "/root/.bashrc", out));
  steps.push_back(copy_template(context, "/usr/share/base-files/profile", "/etc/profile", out));
  steps.push_back(copy_template(context, "/usr/share/base-files/motd", "/etc/motd", out));
  for (const char* dir : {"/mnt", "/srv", "/opt", "/etc/opt", "/var/opt", "/media"}) {
    steps.push_back(directory(context, dir, 0755, 0, out));
  }
  steps.push_back(directory(context, "/var/mail", 02775, k_mail_gid, out));
  steps.push_back(symlink(context, "/var/spool/mail", "../mail", out));
  steps.push_back(directory(context, "/run/lock", 01777, 0, out));
  const bool staff = image.contains("/etc/staff-group-for-usr-local");
  for (const char* dir : {"/usr/local", "/usr/local/share", "/usr/local/share/man", "/usr/local/bin",
                          "/usr/local/games", "/usr/local/lib", "/usr/local/include",
                          "/usr/local/sbin", "/usr/local/src", "/usr/local/etc"}) {
    steps.push_back(directory(context, dir, staff ? 02775 : 0755, staff ? 50 : 0, out));
  }
  steps.push_back(symlink(context, "/usr/local/man", "share/man", out));
  steps.push_back(empty_file(context, "/var/log/wtmp", 0664, k_utmp_gid, out));
  steps.push_back(empty_file(context, "/var/log/btmp", 0660, k_utmp_gid, out));
  steps.push_back(empty_file(context, "/var/log/lastlog", 0664, k_utmp_gid, out));
  if (image.find("/usr/share/info") != nullptr && image.find("/usr/share/info")->is_dir()) {
    steps.push_back(copy_template(context, "/usr/share/base-files/info.dir", "/usr/share/info/dir", out));
  }
  for (auto& step : steps) {
    if (!step) {
      return step;
    }
  }
  return {};
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

} // namespace

std::string shells_text(const fs::Tree& image, bool merged_usr) {
  std::vector<std::string> shells;
  std::string header;
  auto add = [&](const std::string& shell) {
    if (shell.empty() || shell.front() != '/') {
      return;
    }
    if (std::find(shells.begin(), shells.end(), shell) == shells.end()) {
      shells.push_back(shell);
    }
    const std::string merged = merge_usr_path(shell);
    if (merged_usr && merged != shell &&
        std::find(shells.begin(), shells.end(), merged) == shells.end()) {
      shells.push_back(merged);
    }
  };
  for (const auto& line : lines_of(read_image_file(image, "/usr/share/debianutils/shells"))) {
    if (!line.empty() && line.front() == '#') {
      header += line + "\n";
    } else {
      add(line);
    }
  }
  for (const auto& file : image.children("/usr/share/debianutils/shells.d")) {
    for (const auto& line : lines_of(read_image_file(image, file))) {
      add(line);
    }
  }
  std::string out = header;
  for (const auto& shell : shells) {
    out += shell + "\n";
  }
  return out;
}

namespace {

struct PamProfile {
  std::string name;
  long priority = 0;
  std::string text; // the stanza, kept alive for the parsed views
};

std::string pam_field(const std::string& text, std::string_view field) {
  auto stanzas = planner::debian::parse_control(text);
  if (!stanzas || stanzas->empty()) {
    return {};
  }
  return std::string(stanzas->front().get(field));
}

std::vector<PamProfile> pam_profiles(const fs::Tree& image) {
  std::vector<PamProfile> profiles;
  for (const auto& path : image.children("/usr/share/pam-configs")) {
    PamProfile profile;
    profile.name = std::string(fs::base_name(path));
    profile.text = read_image_file(image, path);
    if (pam_field(profile.text, "Default") != "yes") {
      continue;
    }
    const std::string priority = pam_field(profile.text, "Priority");
    std::from_chars(priority.data(), priority.data() + priority.size(), profile.priority);
    profiles.push_back(std::move(profile));
  }
  std::stable_sort(profiles.begin(), profiles.end(),
                   [](const auto& a, const auto& b) { return a.priority > b.priority; });
  return profiles;
}

// "[success=end default=ignore]\tpam_unix.so nullok" -> control, module line.
std::pair<std::string, std::string> split_pam_line(std::string_view line) {
  std::size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    return {};
  }
  line = line.substr(start);
  std::size_t end = line.front() == '[' ? line.find(']') + 1 : line.find_first_of(" \t");
  std::string control(line.substr(0, end));
  std::string_view rest = line.substr(end);
  rest = rest.substr(std::min(rest.size(), rest.find_first_not_of(" \t")));
  // module, then its arguments separated by single spaces
  std::vector<std::string> words;
  for (std::size_t i = 0; i < rest.size();) {
    const auto stop = std::min(rest.size(), rest.find_first_of(" \t", i));
    if (stop > i) {
      words.emplace_back(rest.substr(i, stop - i));
    }
    i = stop + 1;
  }
  std::string module = words.empty() ? std::string() : words.front();
  std::string args;
  for (std::size_t i = 1; i < words.size(); ++i) {
    args += (i > 1 ? " " : "") + words[i];
  }
  return {control, module + " " + args};
}

} // namespace

std::string pam_common_file(const fs::Tree& image, std::string_view type) {
  std::string text = read_image_file(image, "/usr/share/pam/common-" + std::string(type));
  if (text.empty()) {
    return {};
  }
  const bool nonint = type == "session-noninteractive";
  const std::string field = nonint ? "Session" : std::string(1, static_cast<char>(std::toupper(type[0]))) + std::string(type.substr(1));
  const std::string pam_type = nonint ? "session" : std::string(type);
  struct Line {
    std::string control, module;
  };
  std::vector<Line> primary, additional;
  const auto profiles = pam_profiles(image);
  for (const auto& profile : profiles) {
    if (nonint && pam_field(profile.text, "Session-Interactive-Only") == "yes") {
      continue;
    }
    const std::string kind = pam_field(profile.text, field + "-Type");
    auto& list = kind == "Primary" ? primary : additional;
    if (kind.empty()) {
      continue;
    }
    std::string body = pam_field(profile.text, field + "-Initial");
    if (body.empty() || (kind == "Primary" && !primary.empty())) {
      body = pam_field(profile.text, field);
    }
    for (const auto& line : lines_of(body)) {
      auto [control, module] = split_pam_line(line);
      if (!control.empty()) {
        list.push_back({control, module});
      }
    }
  }
  std::string primary_text, additional_text;
  for (std::size_t i = 0; i < primary.size(); ++i) {
    std::string control = primary[i].control;
    const auto end = control.find("=end");
    if (end != std::string::npos) {
      control.replace(end + 1, 3, std::to_string(primary.size() - i));
    }
    primary_text += pam_type + "\t" + control + "\t" + primary[i].module + "\n";
  }
  for (const auto& line : additional) {
    additional_text += pam_type + "\t" + line.control + "\t" + line.module + "\n";
  }
  const std::string prefix = nonint ? "session_nonint" : pam_type;
  auto substitute = [&](const std::string& name, const std::string& value) {
    const std::string key = "$" + name + "\n";
    const auto at = text.find(key);
    if (at != std::string::npos) {
      text.replace(at, key.size(), value);
    }
  };
  substitute(prefix + "_primary", primary_text);
  substitute(prefix + "_additional", additional_text);
  return text;
}

namespace {

Result<void> libpam_runtime(const Context& context, fs::Tree& out) {
  const std::int64_t t = context.epoch;
  std::string seen;
  for (const auto& path : context.image->children("/usr/share/pam-configs")) {
    (void)path;
  }
  // `seen` lists every profile, highest priority first.
  std::vector<std::pair<long, std::string>> all;
  for (const auto& path : context.image->children("/usr/share/pam-configs")) {
    const std::string text = read_image_file(*context.image, path);
    long priority = 0;
    const std::string p = pam_field(text, "Priority");
    std::from_chars(p.data(), p.data() + p.size(), priority);
    all.emplace_back(-priority, std::string(fs::base_name(path)));
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [priority, name] : all) {
    seen += name + "\n";
  }
  for (const char* type : {"account", "auth", "password", "session", "session-noninteractive"}) {
    const std::string text = pam_common_file(*context.image, type);
    if (text.empty()) {
      continue;
    }
    if (auto ok = put(out, "/etc/pam.d/common-" + std::string(type), generated_file(text, 0644, t)); !ok) {
      return ok;
    }
  }
  return put(out, "/var/lib/pam/seen", generated_file(seen, 0644, t));
}

// `update-rc.d NAME defaults`: S/K01 links from the script's LSB header.
Result<void> update_rc_d(const Context& context, const std::string& name, fs::Tree& out,
                         std::vector<Finding>& findings, const std::string& package) {
  const std::string script = read_image_file(*context.image, "/etc/init.d/" + name);
  if (script.empty()) {
    findings.push_back({package, "update-rc.d " + name + ": no /etc/init.d/" + name});
    return {};
  }
  for (const auto& line : lines_of(script)) {
    const bool start = line.starts_with("# Default-Start:");
    const bool stop = line.starts_with("# Default-Stop:");
    if (!start && !stop) {
      continue;
    }
    std::string_view levels = std::string_view(line).substr(line.find(':') + 1);
    for (std::size_t i = 0; i < levels.size();) {
      const auto end = std::min(levels.size(), levels.find_first_of(" \t", i));
      if (end > i) {
        const std::string level(levels.substr(i, end - i));
        const std::string link = "/etc/rc" + level + ".d/" + (start ? "S01" : "K01") + name;
        if (auto ok = put(out, link, fs::make_symlink("../init.d/" + name, context.epoch)); !ok) {
          return ok;
        }
      }
      i = end + 1;
    }
  }
  return {};
}

// `deb-systemd-helper enable UNIT`: WantedBy/RequiredBy links to the unit
// under /lib/systemd/system, and the helper's state files.
Result<void> systemd_enable(const Context& context, const std::string& unit, fs::Tree& out,
                            std::vector<Finding>& findings, const std::string& package) {
  const std::string text = read_image_file(*context.image, "/usr/lib/systemd/system/" + unit);
  if (text.empty()) {
    findings.push_back({package, "deb-systemd-helper enable " + unit + ": unit file not found"});
    return {};
  }
  const std::int64_t t = context.epoch;
  std::string also;
  bool install = false;
  for (const auto& line : lines_of(text)) {
    if (line.starts_with('[')) {
      install = line == "[Install]";
      continue;
    }
    const bool wanted = line.starts_with("WantedBy=");
    const bool required = line.starts_with("RequiredBy=");
    if (!install || (!wanted && !required)) {
      if (install && line.starts_with("Alias=")) {
        findings.push_back({package, unit + ": Alias= not modelled"});
      }
      continue;
    }
    std::string_view targets = std::string_view(line).substr(line.find('=') + 1);
    for (std::size_t i = 0; i < targets.size();) {
      const auto end = std::min(targets.size(), targets.find_first_of(" \t", i));
      if (end > i) {
        const std::string dir = std::string(targets.substr(i, end - i)) + (wanted ? ".wants" : ".requires");
        const std::string link = "/etc/systemd/system/" + dir + "/" + unit;
        auto ok = put(out, link, fs::make_symlink("/lib/systemd/system/" + unit, t));
        ok = ok ? put(out, "/var/lib/systemd/deb-systemd-helper-enabled/" + dir + "/" + unit,
                      generated_file("", 0644, t))
                : ok;
        if (!ok) {
          return ok;
        }
        also += link + "\n";
      }
      i = end + 1;
    }
  }
  if (also.empty()) {
    return {};
  }
  return put(out, "/var/lib/systemd/deb-systemd-helper-enabled/" + unit + ".dsh-also",
             generated_file(also, 0644, t));
}

Result<void> generic_script_effects(const Context& context, const Installed& package,
                                    fs::Tree& out, std::vector<Finding>& findings) {
  for (const auto& line : shell_lines(package.deb->control.member("postinst"))) {
    const auto& w = line.words;
    if (w.size() >= 3 && w[0] == "update-rc.d" && w[2] == "defaults" && !has_expansion(w[1])) {
      if (auto ok = update_rc_d(context, w[1], out, findings, package.name); !ok) {
        return ok;
      }
    } else if (w.size() >= 3 && w[0] == "deb-systemd-helper" && w[1] == "enable") {
      if (has_expansion(w[2])) {
        findings.push_back({package.name, "deb-systemd-helper with a computed unit: " + line.text});
        continue;
      }
      if (auto ok = systemd_enable(context, w[2], out, findings, package.name); !ok) {
        return ok;
      }
    }
  }
  return {};
}

} // namespace

const std::vector<std::string_view>& modelled_packages() {
  static const std::vector<std::string_view> k_names = {
      "base-files", "base-passwd", "passwd",  "login",  "libc-bin", "debianutils",
      "tzdata",     "libpam-modules", "libpam-runtime", "ca-certificates"};
  return k_names;
}

Result<void> generate_package_effects(const Context& context, fs::Tree& out,
                                      std::vector<Finding>& findings) {
  const std::int64_t t = context.epoch;
  std::vector<Result<void>> steps;
  if (context.has("base-files")) {
    steps.push_back(base_files(context, out));
  }
  if (context.has("libc-bin")) {
    steps.push_back(copy_template(context, "/usr/share/libc-bin/nsswitch.conf", "/etc/nsswitch.conf", out));
  }
  if (context.has("login")) {
    steps.push_back(empty_file(context, "/var/log/faillog", 0644, 0, out));
    steps.push_back(empty_file(context, "/etc/subuid", 0644, 0, out));
    steps.push_back(empty_file(context, "/etc/subgid", 0644, 0, out));
  }
  if (context.has("debianutils")) {
    const std::string shells = shells_text(*context.image, context.merged_usr);
    std::string state;
    for (const auto& line : lines_of(shells)) {
      if (!line.empty() && line.front() != '#') {
        state += line + "\n";
      }
    }
    steps.push_back(put(out, "/etc/shells", generated_file(shells, 0644, t)));
    steps.push_back(put(out, "/var/lib/shells.state", generated_file(state, 0644, t)));
  }
  if (context.has("tzdata")) {
    steps.push_back(symlink(context, "/etc/localtime", "/usr/share/zoneinfo/Etc/UTC", out));
    steps.push_back(put(out, "/etc/timezone", generated_file("Etc/UTC\n", 0644, t)));
  }
  if (context.has("libpam-modules")) {
    steps.push_back(empty_file(context, "/etc/environment", 0644, 0, out));
    steps.push_back(empty_file(context, "/etc/security/opasswd", 0600, 0, out));
  }
  if (context.has("libpam-runtime")) {
    steps.push_back(libpam_runtime(context, out));
  }
  for (const auto& package : context.packages) {
    steps.push_back(generic_script_effects(context, package, out, findings));
  }
  for (auto& step : steps) {
    if (!step) {
      return step;
    }
  }
  return {};
}

} // namespace distill::backend::deb::generators
