#include "backend/deb/generators/dpkg_db.hpp"

#include "planner/debian/control.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <fmt/format.h>
#include <openssl/evp.h>

namespace distill::backend::deb::generators {

using support::fail;
using support::Result;

namespace {

// dpkg's own field order (lib/dpkg/parse.c fieldinfos); other fields follow
// in their original order.
constexpr std::array<std::string_view, 31> k_field_order = {
    "Package",     "Essential",        "Status",          "Priority",   "Section",
    "Installed-Size", "Origin",        "Maintainer",      "Bugs",       "Architecture",
    "Multi-Arch",  "Source",           "Version",         "Config-Version", "Replaces",
    "Provides",    "Depends",          "Pre-Depends",     "Recommends", "Suggests",
    "Breaks",      "Conflicts",        "Enhances",        "Conffiles",  "Filename",
    "Size",        "MD5sum",           "MSDOS-Filename",  "Description", "Triggers-Pending",
    "Triggers-Awaited"};

// Members dpkg keeps in info/ (everything but the control file itself).
bool is_info_member(std::string_view name) { return name != "control"; }

bool is_script(std::string_view name) {
  return name == "preinst" || name == "postinst" || name == "prerm" || name == "postrm" ||
         name == "config";
}

std::string info_name(const Installed& package) {
  return package.multi_arch == "same" ? package.name + ":" + package.arch : package.name;
}

Result<void> write(fs::Tree& out, std::string_view path, std::string content, std::uint32_t mode,
                   std::int64_t t) {
  return put(out, path, generated_file(std::move(content), mode, t));
}

} // namespace

std::vector<Diversion> modelled_diversions(const Context& context) {
  if (!context.has("dash")) {
    return {};
  }
  return {{"/usr/share/man/man1/sh.1.gz", "/usr/share/man/man1/sh.distrib.1.gz", "dash"},
          {"/bin/sh", "/bin/sh.distrib", "dash"}};
}

std::string md5_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += fmt::format("{:02x}", digest[i]);
  }
  return hex;
}

Result<std::string> status_stanza(const Installed& package, const fs::Tree& image) {
  auto stanzas = planner::debian::parse_control(package.deb->control.control);
  if (!stanzas || stanzas->size() != 1) {
    return fail("{}: control file is not one stanza", package.name);
  }
  const auto& stanza = stanzas->front();
  std::string conffiles;
  for (const auto line : planner::debian::value_lines(package.deb->control.conffiles)) {
    if (line.starts_with("remove-on-upgrade ")) {
      continue;
    }
    const std::string content = read_image_file(image, line);
    conffiles += fmt::format("\n {} {}", line, md5_hex(content));
  }
  std::string out;
  std::set<std::string> done;
  auto emit = [&](std::string_view name, std::string_view value) {
    out += fmt::format("{}:{}{}\n", name, value.empty() || value.front() == '\n' ? "" : " ", value);
  };
  for (const auto name : k_field_order) {
    if (name == "Status") {
      out += "Status: install ok installed\n";
    } else if (name == "Conffiles") {
      if (!conffiles.empty()) {
        out += "Conffiles:" + conffiles + "\n";
      }
    } else if (const auto* field = stanza.find(name)) {
      emit(field->name, field->value);
    }
    done.insert(std::string(name));
  }
  for (const auto& field : stanza.fields) {
    bool known = false;
    for (const auto name : k_field_order) {
      known = known || planner::debian::iequals(name, field.name);
    }
    if (!known) {
      emit(field.name, field.value);
    }
  }
  return out;
}

Result<void> generate_status_d(const Context& context, fs::Tree& out) {
  for (const auto& package : context.packages) {
    const std::string base = "/var/lib/dpkg/status.d/" + package.name;
    if (auto ok = write(out, base, package.deb->control.control, 0644, context.epoch); !ok) {
      return ok;
    }
    if (!package.deb->control.md5sums.empty()) {
      if (auto ok = write(out, base + ".md5sums", package.deb->control.md5sums, 0644, context.epoch); !ok) {
        return ok;
      }
    }
  }
  return {};
}

namespace {

Result<void> write_triggers(const Context& context, fs::Tree& out) {
  std::string file_interests;
  std::map<std::string, std::string> named;
  for (const auto& package : context.packages) {
    for (const auto line : planner::debian::value_lines(package.deb->control.triggers)) {
      if (line.starts_with('#')) {
        continue;
      }
      const auto space = line.find_first_of(" \t");
      const auto directive = line.substr(0, space);
      if (space == std::string_view::npos || !directive.starts_with("interest")) {
        continue;
      }
      auto name = line.substr(space + 1);
      name = name.substr(name.find_first_not_of(" \t"));
      const std::string who = package.name + (directive == "interest-noawait" ? "/noawait" : "");
      if (name.starts_with('/')) {
        file_interests += fmt::format("{} {}\n", name, who);
      } else {
        named[std::string(name)] += who + "\n";
      }
    }
  }
  const std::int64_t t = context.epoch;
  auto ok = write(out, "/var/lib/dpkg/triggers/File", file_interests, 0644, t);
  ok = ok ? write(out, "/var/lib/dpkg/triggers/Unincorp", "", 0644, t) : ok;
  ok = ok ? write(out, "/var/lib/dpkg/triggers/Lock", "", 0600, t) : ok;
  for (const auto& [name, who] : named) {
    ok = ok ? write(out, "/var/lib/dpkg/triggers/" + name, who, 0644, t) : ok;
  }
  return ok;
}

} // namespace

Result<void> generate_dpkg_database(const Context& context, fs::Tree& out,
                                    std::vector<Finding>& findings) {
  const std::int64_t t = context.epoch;
  std::string status;
  std::string extended;
  for (const auto& package : context.packages) {
    auto stanza = status_stanza(package, *context.image);
    if (!stanza) {
      return std::unexpected(stanza.error());
    }
    status += (status.empty() ? "" : "\n") + *stanza;
    // apt writes the native architecture even for "all" packages.
    extended += fmt::format("Package: {}\nArchitecture: {}\nAuto-Installed: 1\n\n", package.name,
                            context.arch);
    const std::string info = "/var/lib/dpkg/info/" + info_name(package);
    for (const auto& [member, text] : package.deb->control.members) {
      if (!is_info_member(member)) {
        continue;
      }
      if (auto ok = write(out, info + "." + member, text, is_script(member) ? 0755 : 0644, t); !ok) {
        return ok;
      }
    }
    std::string list = "/.\n";
    for (const auto& path : package.deb->listed_paths) {
      list += path + "\n";
    }
    if (auto ok = write(out, info + ".list", list, 0644, t); !ok) {
      return ok;
    }
  }
  auto ok = write(out, "/var/lib/dpkg/status", status, 0644, t);
  ok = ok ? write(out, "/var/lib/dpkg/info/format", "1\n", 0644, t) : ok;
  ok = ok ? write(out, "/var/lib/dpkg/lock", "", 0640, t) : ok;
  ok = ok ? write(out, "/var/lib/dpkg/lock-frontend", "", 0640, t) : ok;
  ok = ok ? write(out, "/var/lib/dpkg/cmethopt", "apt apt\n", 0644, t) : ok;
  ok = ok ? put(out, "/var/lib/dpkg/updates", fs::make_directory(0755, t)) : ok;
  ok = ok ? write_triggers(context, out) : ok;
  if (const auto diversions = modelled_diversions(context); ok && !diversions.empty()) {
    std::string text;
    for (const auto& d : diversions) {
      text += d.from + "\n" + d.to + "\n" + d.package + "\n";
    }
    ok = write(out, "/var/lib/dpkg/diversions", text, 0644, t);
  }
  if (ok && context.has("apt")) {
    ok = write(out, "/var/lib/apt/extended_states", extended, 0644, t);
  }
  (void)findings;
  return ok;
}

} // namespace distill::backend::deb::generators
