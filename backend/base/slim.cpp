#include "backend/base/slim.hpp"

#include "backend/deb/generators/dpkg_db.hpp"

#include <array>
#include <set>

#include <fnmatch.h>

namespace distill::backend::base {

namespace {

constexpr std::array<std::string_view, 9> k_excludes = {
    "/usr/share/doc/*",          "/usr/share/doc/kde/HTML/*/*", "/usr/share/gnome/help/*/*",
    "/usr/share/info/*",         "/usr/share/linda/*",          "/usr/share/lintian/overrides/*",
    "/usr/share/locale/*",       "/usr/share/man/*",            "/usr/share/omf/*/*-*.emf"};

constexpr std::array<std::string_view, 9> k_includes = {
    "/usr/share/doc/*/copyright", "/usr/share/doc/kde/HTML/C/*",   "/usr/share/gnome/help/*/C/*",
    "/usr/share/locale/all_languages", "/usr/share/locale/currency/*", "/usr/share/locale/l10n/*",
    "/usr/share/locale/languages", "/usr/share/locale/locale.alias", "/usr/share/omf/*/*-C.emf"};

// find -path: '*' matches '/' too.
bool path_match(std::string_view pattern, const std::string& path) {
  return fnmatch(std::string(pattern).c_str(), path.c_str(), 0) == 0;
}

bool included(const std::string& path) {
  for (const auto include : k_includes) {
    if (path_match(include, path)) {
      return true;
    }
  }
  return false;
}

bool has_glob(std::string_view text) { return text.find_first_of("*?[") != std::string_view::npos; }

std::vector<std::string> paths_below(const fs::Tree& tree, const std::string& dir) {
  std::vector<std::string> out;
  const std::string prefix = dir + "/";
  for (auto it = tree.entries().lower_bound(prefix); it != tree.entries().end(); ++it) {
    if (!it->first.starts_with(prefix)) {
      break;
    }
    out.push_back(it->first);
  }
  return out;
}

std::string fold76(const std::string& line) {
  std::string out;
  std::string rest = line;
  while (rest.size() > 76) {
    const auto space = rest.rfind(' ', 75);
    const std::size_t cut = space == std::string::npos ? 76 : space + 1;
    out += "#  " + rest.substr(0, cut) + "\n";
    rest = rest.substr(cut);
  }
  out += "#  " + rest + "\n";
  return out;
}

} // namespace

std::span<const std::string_view> slim_excludes() { return k_excludes; }
std::span<const std::string_view> slim_includes() { return k_includes; }

std::size_t slim_package_tree(fs::Tree& tree) {
  std::size_t removed = 0;
  std::set<std::string> deleted;
  for (const auto exclude : k_excludes) {
    const std::string pattern(exclude);
    if (!pattern.ends_with("/*")) {
      for (const auto& [path, entry] : std::map<std::string, fs::Entry>(tree.entries())) {
        if (!entry.is_dir() && fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) == 0) {
          removed += tree.remove(path);
        }
      }
      continue;
    }
    const std::string dir = pattern.substr(0, pattern.size() - 2);
    if (has_glob(dir)) {
      continue; // slimify tests `[ -d "<dir>" ]` literally, so globbed parents never match
    }
    // Step 1: regular files and hard links that no include pattern keeps.
    for (const auto& path : paths_below(tree, dir)) {
      const fs::Entry* entry = tree.find(path);
      if (entry == nullptr || entry->is_dir() || entry->type == fs::EntryType::symlink ||
          included(path)) {
        continue;
      }
      deleted.insert(path);
      removed += tree.remove(path);
    }
    // Step 2: empty directories and symlinks into what step 1 removed, until stable.
    for (bool again = true; again;) {
      again = false;
      const auto below = paths_below(tree, dir);
      for (auto it = below.rbegin(); it != below.rend(); ++it) {
        const fs::Entry* entry = tree.find(*it);
        if (entry == nullptr) {
          continue;
        }
        bool drop = entry->is_dir() && tree.children(*it).empty();
        if (entry->type == fs::EntryType::symlink) {
          auto target = tree.resolve(*it);
          drop = target && deleted.contains(*target);
        }
        if (drop) {
          deleted.insert(*it);
          removed += tree.remove(*it);
          again = true;
        }
      }
    }
  }
  return removed;
}

std::vector<std::string> man_section_dirs(const fs::Tree& image) {
  std::vector<std::string> dirs;
  for (const auto& child : image.children("/usr/share/man")) {
    const auto name = fs::base_name(child);
    const fs::Entry* entry = image.find(child);
    if (entry != nullptr && entry->is_dir() && name.size() == 4 && name.starts_with("man") &&
        name[3] >= '0' && name[3] <= '9') {
      dirs.push_back(child);
    }
  }
  return dirs;
}

std::string slim_dpkg_config(const deb::generators::Context& context) {
  std::string out = "# This is the \"slim\" variant of the Debian base image.\n"
                    "# Many files which are normally unnecessary in containers are excluded,\n"
                    "# and this configuration file keeps them that way.\n";
  const auto diversions = deb::generators::modelled_diversions(context);
  for (const auto exclude : k_excludes) {
    const std::string pattern(exclude);
    std::set<std::string> owners;
    for (const auto& package : context.packages) {
      for (const auto& path : package.deb->listed_paths) {
        if (fnmatch(pattern.c_str(), path.c_str(), 0) == 0) {
          owners.insert(package.name);
          break;
        }
      }
    }
    for (const auto& diversion : diversions) {
      if (fnmatch(pattern.c_str(), diversion.from.c_str(), 0) == 0) {
        owners.insert("diversion by " + diversion.package + " from");
      }
      if (fnmatch(pattern.c_str(), diversion.to.c_str(), 0) == 0) {
        owners.insert("diversion by " + diversion.package + " to");
      }
    }
    out += "\n# dpkg -S '" + pattern + "'\n";
    std::string line;
    for (const auto& owner : owners) {
      line += (line.empty() ? "" : " ") + owner;
    }
    if (owners.empty()) {
      line = "dpkg-query: no path found matching pattern " + pattern;
    }
    out += fold76(line);
    out += "path-exclude " + pattern + "\n";
  }
  out += "\n";
  for (const auto include : k_includes) {
    out += "path-include " + std::string(include) + "\n";
  }
  return out;
}

} // namespace distill::backend::base
