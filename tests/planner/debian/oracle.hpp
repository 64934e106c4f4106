#pragma once

// The apt oracle: what `apt-get -s install` selects on the host's own index
// with an empty dpkg status, and the same index loaded into a PackageIndex.
// apt's answers are cached under the build directory, keyed by the index
// files' names, sizes and mtimes and by apt's version, so a rerun on an
// unchanged index does not pay apt's start-up again; a changed index (or
// DISTILL_ORACLE_REFRESH=1) runs apt again.

#include "planner/debian/package_index.hpp"
#include "host_index.hpp"
#include "support/sha256.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>

namespace distill::planner::debian::testing {

// apt builds its cache from sources.list order: the base suite, then
// -updates, then -security; package-ID ties follow that order.
inline int list_order(const std::filesystem::path& path) {
  std::string name = path.filename().string();
  if (name.find("-security_") != std::string::npos) {
    return 2;
  }
  if (name.find("-updates_") != std::string::npos || name.find("-backports_") != std::string::npos) {
    return 1;
  }
  return 0;
}

inline std::vector<std::filesystem::path> ordered_host_lists() {
  auto lists = host_package_lists();
  std::stable_sort(lists.begin(), lists.end(), [](const auto& a, const auto& b) {
    return list_order(a) < list_order(b);
  });
  return lists;
}

// The suite of a list file name "host_path_dists_SUITE_main_binary-...".
inline std::string suite_of(const std::filesystem::path& path) {
  std::string name = path.filename().string();
  std::size_t dists = name.find("_dists_");
  if (dists == std::string::npos) {
    return "";
  }
  std::size_t start = dists + 7;
  return name.substr(start, name.find('_', start) - start);
}

// The host's index, loaded once per test binary (decompressing it is slow).
inline const PackageIndex* host_index() {
  static const PackageIndex* index = [] {
    auto* out = new PackageIndex;
    for (const auto& path : ordered_host_lists()) {
      auto text = read_package_list(path);
      if (!text) {
        delete out;
        return static_cast<PackageIndex*>(nullptr);
      }
      IndexOrigin origin;
      origin.file = path.filename().string();
      origin.codename = suite_of(path);
      if (!out->add(std::move(*text), std::move(origin))) {
        delete out;
        return static_cast<PackageIndex*>(nullptr);
      }
    }
    return out;
  }();
  return index;
}

inline std::string index_fingerprint() {
  std::string material = run_command("apt-get --version | head -1");
  for (const auto& path : ordered_host_lists()) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
      material += path.string() + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtime) + "\n";
    }
  }
  return support::sha256_hex(material).substr(0, 16);
}

inline constexpr const char* k_host_status = "/var/lib/dpkg/status";

struct OracleRequest {
  std::string packages; // space-separated, as on apt-get's command line
  bool recommends;
  bool host_status = false; // on top of the host's dpkg status instead of an empty one
};

inline std::string oracle_key(const OracleRequest& r) {
  std::string material = r.packages + (r.recommends ? " +rec" : " -rec");
  if (r.host_status) {
    struct stat st {};
    ::stat(k_host_status, &st);
    material += " status " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtime);
  }
  return support::sha256_hex(material).substr(0, 16);
}

// Runs apt-get -s for every request not cached yet (three at a time) and
// returns, per request, the "name=version" set of its "Inst" lines; an
// empty optional when apt failed (its output is kept in the cache file).
inline std::vector<std::optional<std::set<std::string>>> apt_select(const std::vector<OracleRequest>& requests) {
  std::filesystem::path dir = std::filesystem::path(DISTILL_BINARY_DIR) / "oracle-cache" / index_fingerprint();
  std::filesystem::create_directories(dir / "apt-cache");
  std::filesystem::create_directories(dir / "empty.d");
  std::ofstream(dir / "status").close();
  bool refresh = std::getenv("DISTILL_ORACLE_REFRESH") != nullptr;
  std::vector<std::string> scripts;
  for (const OracleRequest& r : requests) {
    std::filesystem::path out = dir / (oracle_key(r) + ".txt");
    if (!refresh && std::filesystem::exists(out)) {
      continue;
    }
    std::string d = shell_quote(dir.string());
    std::string tmp = shell_quote(out.string() + ".tmp");
    std::string command =
        "apt-get -s -q -o Dir::State::status=" + (r.host_status ? std::string(k_host_status) : d + "/status") +
        " -o Dir::Cache=" + d +
        "/apt-cache -o Dir::Cache::pkgcache=" + d + "/apt-cache/pkgcache.bin -o Dir::Cache::srcpkgcache=" + d +
        "/apt-cache/srcpkgcache.bin -o Dir::Etc::preferences=/dev/null -o Dir::Etc::preferencesparts=" + d +
        "/empty.d -o Debug::NoLocking=1 -o APT::Architecture=amd64 -o APT::Architectures::=amd64" +
        " -o APT::Install-Suggests=false -o APT::Install-Recommends=" + (r.recommends ? "true" : "false") +
        " install " + r.packages + " > " + tmp + " 2>&1\necho \"rc=$?\" >> " + tmp + "\nmv " + tmp + " " +
        shell_quote(out.string()) + "\n";
    std::filesystem::path file = dir / ("run-" + oracle_key(r) + ".sh");
    std::ofstream(file) << command;
    scripts.push_back(file.string());
  }
  if (!scripts.empty()) {
    // The first run builds apt's cache; the others reuse it, three at a time.
    run_command("sh " + shell_quote(scripts.front()));
    std::string rest;
    for (std::size_t i = 1; i < scripts.size(); ++i) {
      rest += shell_quote(scripts[i]) + " ";
    }
    if (!rest.empty()) {
      run_command("printf '%s\\n' " + rest + " | xargs -r -P 3 -n 1 sh");
    }
  }
  std::vector<std::optional<std::set<std::string>>> out;
  for (const OracleRequest& r : requests) {
    std::ifstream in(dir / (oracle_key(r) + ".txt"));
    std::set<std::string> selected;
    std::string line;
    bool ok = false;
    while (std::getline(in, line)) {
      if (line == "rc=0") {
        ok = true;
      }
      if (!line.starts_with("Inst ")) {
        continue;
      }
      // "Inst name (version Origin [arch])" or "Inst name [old] (version ...)"
      std::istringstream words(line.substr(5));
      std::string name;
      words >> name;
      std::size_t open = line.find(" (");
      std::size_t space = line.find(' ', open + 2);
      selected.insert(name + "=" + line.substr(open + 2, space - open - 2));
    }
    out.push_back(ok ? std::optional(selected) : std::nullopt);
  }
  return out;
}

} // namespace distill::planner::debian::testing
