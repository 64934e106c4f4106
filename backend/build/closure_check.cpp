#include "backend/build/closure_check.hpp"

#include "backend/deb/generators/context.hpp"

#include <fmt/format.h>
#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <set>
#include <sstream>

namespace distill::backend::build {

namespace {


// Where ld.so looks after RPATH/RUNPATH and ld.so.conf on Debian and Ubuntu.
constexpr std::string_view k_default_lib_dirs[] = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                                                   "/lib64", "/usr/lib64", "/lib", "/usr/lib"};

struct ElfFacts {
  std::string interpreter;             // PT_INTERP
  std::vector<std::string> needed;     // DT_NEEDED
  std::vector<std::string> search;     // DT_RPATH and DT_RUNPATH entries, $ORIGIN kept
};

std::string dirname(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::vector<std::string> split(std::string_view text, char by) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const auto end = text.find(by, begin);
    const auto part = text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
    if (!part.empty()) {
      parts.emplace_back(part);
    }
    if (end == std::string_view::npos) {
      break;
    }
    begin = end + 1;
  }
  return parts;
}

// The facts of an ELF object, or nothing for other files (libelf checks
// every offset, so damaged files are just "not ELF").
std::optional<ElfFacts> read_elf(std::string bytes) {
  if (!bytes.starts_with("\x7f" "ELF")) {
    return std::nullopt;
  }
  Elf* elf = elf_memory(bytes.data(), bytes.size());
  if (elf == nullptr) {
    return std::nullopt;
  }
  std::optional<ElfFacts> facts;
  GElf_Ehdr header;
  if (elf_kind(elf) == ELF_K_ELF && gelf_getehdr(elf, &header) != nullptr &&
      (header.e_type == ET_EXEC || header.e_type == ET_DYN)) {
    facts.emplace();
    std::size_t headers = 0;
    if (elf_getphdrnum(elf, &headers) == 0) {
      for (std::size_t i = 0; i < headers; ++i) {
        GElf_Phdr program;
        if (gelf_getphdr(elf, static_cast<int>(i), &program) != nullptr && program.p_type == PT_INTERP &&
            program.p_offset + program.p_filesz <= bytes.size()) {
          facts->interpreter = std::string(bytes.c_str() + program.p_offset);
        }
      }
    }
    for (Elf_Scn* section = elf_nextscn(elf, nullptr); section != nullptr; section = elf_nextscn(elf, section)) {
      GElf_Shdr section_header;
      if (gelf_getshdr(section, &section_header) == nullptr || section_header.sh_type != SHT_DYNAMIC ||
          section_header.sh_entsize == 0) {
        continue;
      }
      Elf_Data* data = elf_getdata(section, nullptr);
      const auto count = section_header.sh_size / section_header.sh_entsize;
      for (std::size_t i = 0; data != nullptr && i < count; ++i) {
        GElf_Dyn dynamic;
        if (gelf_getdyn(data, static_cast<int>(i), &dynamic) == nullptr) {
          break;
        }
        if (dynamic.d_tag != DT_NEEDED && dynamic.d_tag != DT_RPATH && dynamic.d_tag != DT_RUNPATH) {
          continue;
        }
        const char* text = elf_strptr(elf, section_header.sh_link, dynamic.d_un.d_val);
        if (text == nullptr) {
          continue;
        }
        if (dynamic.d_tag == DT_NEEDED) {
          facts->needed.emplace_back(text);
        } else {
          for (auto& dir : split(text, ':')) {
            facts->search.push_back(std::move(dir));
          }
        }
      }
    }
  }
  elf_end(elf);
  return facts;
}

// The paths that the dpkg database's file lists (info/*.list, info/*.md5sums,
// status.d/*.md5sums) and its Conffiles fields (status, status.d/<pkg>) give
// to packages.
std::vector<std::string> package_owned_paths(const fs::Tree& rootfs) {
  std::vector<std::string> owned;
  const auto add = [&](const std::string& path) {
    // Lists name paths as packages ship them (/bin/dash); the tree holds
    // them where merged /usr puts them (/usr/bin/dash).
    auto resolved = rootfs.resolve(path);
    owned.push_back(resolved ? *resolved : path);
  };
  for (const auto& [path, entry] : rootfs.entries()) {
    const bool list = path.starts_with("/var/lib/dpkg/info/") && path.ends_with(".list");
    const bool sums = (path.starts_with("/var/lib/dpkg/info/") || path.starts_with("/var/lib/dpkg/status.d/")) &&
                      path.ends_with(".md5sums");
    const bool status = path == "/var/lib/dpkg/status" ||
                        (path.starts_with("/var/lib/dpkg/status.d/") && !path.ends_with(".md5sums"));
    if (entry.type != fs::EntryType::regular || (!list && !sums && !status)) {
      continue;
    }
    std::istringstream lines(deb::generators::read_image_file(rootfs, path));
    bool conffiles = false;
    for (std::string line; std::getline(lines, line);) {
      if (status) {
        // "Conffiles:" then one " /etc/path md5" line each.
        if (!line.starts_with(' ')) {
          conffiles = line.starts_with("Conffiles:");
        } else if (conffiles && line.size() > 1 && line[1] == '/') {
          add(line.substr(1, line.find(' ', 1) - 1));
        }
      } else if (list && line.starts_with('/')) {
        add(line);
      } else if (sums) {
        const auto gap = line.find("  ");
        if (gap != std::string::npos) {
          add("/" + line.substr(gap + 2));
        }
      }
    }
  }
  std::ranges::sort(owned);
  owned.erase(std::unique(owned.begin(), owned.end()), owned.end());
  return owned;
}

class Checker {
public:
  Checker(const fs::Tree& rootfs, const oci::ImageConfig& config, const ClosureOptions& options)
      : m_rootfs(rootfs), m_config(config), m_options(options) {
    for (const auto& [path, entry] : rootfs.entries()) {
      if (path.starts_with("/etc/ld.so.conf.d/") && path.ends_with(".conf")) {
        std::istringstream lines(deb::generators::read_image_file(rootfs, path));
        for (std::string line; std::getline(lines, line);) {
          if (line.starts_with('/')) {
            m_conf_dirs.push_back(line.substr(0, line.find_first_of(" \t#")));
          }
        }
      }
    }
  }

  std::vector<ClosureProblem> run() {
    const auto owned = package_owned_paths(m_rootfs);
    m_owned = std::set<std::string>(owned.begin(), owned.end());
    check_user();
    check_programs();
    for (const auto& [path, entry] : m_rootfs.entries()) {
      if (entry.type == fs::EntryType::regular && !m_owned.contains(path)) {
        m_queue.push_back(path);
      }
    }
    while (!m_queue.empty()) {
      const std::string path = m_queue.front();
      m_queue.pop_front();
      if (m_seen.insert(path).second) {
        check_file(path);
      }
    }
    return std::move(m_problems);
  }

private:
  void problem(std::string path, std::string missing, std::string why) {
    m_problems.push_back({std::move(path), std::move(missing), std::move(why)});
  }

  // The regular file `path` designates after symlinks, if there is one.
  std::optional<std::string> existing_file(const std::string& path) const {
    auto resolved = m_rootfs.resolve(path);
    if (!resolved) {
      return std::nullopt;
    }
    const fs::Entry* entry = m_rootfs.find(*resolved);
    if (entry == nullptr || (entry->type != fs::EntryType::regular && entry->type != fs::EntryType::hardlink)) {
      return std::nullopt;
    }
    return entry->type == fs::EntryType::hardlink ? entry->link_target : *resolved;
  }

  // A command name as the kernel or a shell finds it: a path, or a name in PATH.
  std::optional<std::string> find_program(const std::string& name) const {
    if (name.find('/') != std::string::npos) {
      const std::string path =
          name.starts_with('/') ? name : (m_config.working_dir.empty() ? "/" : m_config.working_dir) + "/" + name;
      return existing_file(path);
    }
    const auto path_value = oci::env_value(m_config.env, "PATH").value_or(std::string(oci::k_default_path));
    for (const auto& dir : split(path_value, ':')) {
      if (auto found = existing_file(dir + "/" + name)) {
        return found;
      }
    }
    return std::nullopt;
  }

  void check_program(const std::string& program, const std::string& what) {
    if (auto found = find_program(program)) {
      m_queue.push_back(*found);
    } else {
      problem(what, program, fmt::format("the program {} runs", what));
    }
  }

  void check_programs() {
    const auto& argv = m_config.entrypoint.empty() ? m_config.cmd : m_config.entrypoint;
    const std::string what = m_config.entrypoint.empty() ? "CMD" : "ENTRYPOINT";
    if (!argv.empty()) {
      check_program(argv.front(), what);
      // The shell form: [shell, -c, script].
      if (argv.size() >= 3 && is_shell(argv[0]) && argv[1] == "-c") {
        check_script_programs(what, argv[2]);
      }
    }
    if (m_config.healthcheck && m_config.healthcheck->test.size() >= 2) {
      const auto& test = m_config.healthcheck->test;
      if (test.front() == "CMD") {
        check_program(test[1], "HEALTHCHECK");
      } else if (test.front() == "CMD-SHELL") {
        const std::string shell = m_config.shell.empty() ? "/bin/sh" : m_config.shell.front();
        check_program(shell, "HEALTHCHECK");
        if (is_shell(shell)) {
          check_script_programs("HEALTHCHECK", test[1]);
        }
      }
    }
  }

  bool listed(const std::string& file, const std::string& name) const {
    std::istringstream lines(deb::generators::read_image_file(m_rootfs, file));
    for (std::string line; std::getline(lines, line);) {
      if (line.substr(0, line.find(':')) == name) {
        return true;
      }
    }
    return false;
  }

  void check_user() {
    if (m_config.user.empty()) {
      return;
    }
    const auto colon = m_config.user.find(':');
    const std::string user = m_config.user.substr(0, colon);
    const std::string group = colon == std::string::npos ? "" : m_config.user.substr(colon + 1);
    const auto numeric = [](const std::string& text) {
      return !text.empty() && std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
    };
    if (!numeric(user) && !listed("/etc/passwd", user)) {
      problem("USER", user, "a user in /etc/passwd");
    }
    if (!group.empty() && !numeric(group) && !listed("/etc/group", group)) {
      problem("USER", group, "a group in /etc/group");
    }
  }

  std::optional<std::string> find_library(const std::string& soname, const std::string& from,
                                          const std::vector<std::string>& search) const {
    if (soname.find('/') != std::string::npos) {
      return existing_file(soname);
    }
    std::vector<std::string> dirs;
    for (const auto& dir : search) {
      std::string expanded = dir;
      for (const std::string_view origin : {"${ORIGIN}", "$ORIGIN"}) {
        for (auto at = expanded.find(origin); at != std::string::npos; at = expanded.find(origin)) {
          expanded.replace(at, origin.size(), dirname(from));
        }
      }
      dirs.push_back(expanded);
    }
    dirs.insert(dirs.end(), m_conf_dirs.begin(), m_conf_dirs.end());
    dirs.insert(dirs.end(), std::begin(k_default_lib_dirs), std::end(k_default_lib_dirs));
    for (const auto& dir : dirs) {
      if (auto found = existing_file(dir + "/" + soname)) {
        return found;
      }
    }
    return std::nullopt;
  }

  void check_file(const std::string& path) {
    std::string bytes = deb::generators::read_image_file(m_rootfs, path);
    if (bytes.starts_with("#!")) {
      check_script(path, bytes);
      return;
    }
    const auto elf = read_elf(std::move(bytes));
    if (!elf) {
      return;
    }
    if (!elf->interpreter.empty()) {
      if (auto found = existing_file(elf->interpreter)) {
        m_queue.push_back(*found);
      } else {
        problem(path, elf->interpreter, "ELF program interpreter");
      }
    }
    for (const auto& soname : elf->needed) {
      if (auto found = find_library(soname, path, elf->search)) {
        m_queue.push_back(*found);
      } else {
        problem(path, soname, "DT_NEEDED");
      }
    }
  }

  void check_script(const std::string& path, const std::string& bytes) {
    const fs::Entry* entry = m_rootfs.find(path);
    if (entry == nullptr || (entry->mode & 0111) == 0) {
      return; // not executable: a template or data, not run by #!
    }
    std::istringstream line(bytes.substr(2, bytes.find('\n') - 2));
    std::string interpreter;
    line >> interpreter;
    if (interpreter.empty()) {
      return;
    }
    if (interpreter == "/usr/bin/env" || interpreter == "/bin/env") {
      std::string program;
      while (line >> program && program.starts_with('-')) {
      }
      if (!existing_file(interpreter)) {
        problem(path, interpreter, "#! interpreter");
      }
      if (!program.empty() && !find_program(program)) {
        problem(path, program, "#! program run through env");
      }
      if (is_shell(program)) {
        check_script_programs(path, bytes);
      }
      return;
    }
    if (auto found = existing_file(interpreter)) {
      m_queue.push_back(*found);
    } else {
      problem(path, interpreter, "#! interpreter");
    }
    if (is_shell(interpreter)) {
      check_script_programs(path, bytes);
    }
  }

  // The programs a shell script runs, found as its shell would find them.
  void check_script_programs(const std::string& what, std::string_view script) {
    if (!m_options.script_programs) {
      return;
    }
    for (const auto& program : m_options.script_programs(script)) {
      if (auto found = find_program(program)) {
        // A package's program is trusted to its Depends; the image's own is checked too.
        if (!m_owned.contains(*found)) {
          m_queue.push_back(*found);
        }
      } else {
        problem(what, program, "a program the script runs");
      }
    }
  }

  static bool is_shell(std::string_view interpreter) {
    const auto name = interpreter.substr(interpreter.rfind('/') + 1);
    return name == "sh" || name == "dash" || name == "bash" || name == "ash";
  }

  const fs::Tree& m_rootfs;
  const oci::ImageConfig& m_config;
  const ClosureOptions& m_options;
  std::vector<std::string> m_conf_dirs;
  std::deque<std::string> m_queue;
  std::set<std::string> m_seen;
  std::vector<ClosureProblem> m_problems;
  std::set<std::string> m_owned; // files the dpkg database gives to packages
};

} // namespace

std::vector<ClosureProblem> check_closure(const fs::Tree& rootfs, const oci::ImageConfig& config,
                                          const ClosureOptions& options) {
  elf_version(EV_CURRENT); // libelf refuses to work before the version handshake
  return Checker(rootfs, config, options).run();
}

} // namespace distill::backend::build
