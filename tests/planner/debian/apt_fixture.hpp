#pragma once

// apt-get on a tiny local repository: the semantic unit cases of the
// resolver, checked against apt itself. Each case writes its Packages text
// as a flat file: repository, runs `apt-get update` and `apt-get -s install`
// with a private state directory, and parses the "Inst" lines. Results are
// cached under the build directory by a hash of the inputs.

#include "planner/debian/control.hpp"
#include "host_index.hpp"
#include "support/sha256.hpp"

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>

namespace distill::planner::debian::testing {

// Adds Filename/Size/SHA256 to every stanza that lacks them: apt only
// installs versions it could download.
inline std::string with_files(const std::string& packages) {
  std::string out;
  auto stanzas = parse_control(packages);
  if (!stanzas) {
    return packages;
  }
  for (const Stanza& s : *stanzas) {
    for (const Field& f : s.fields) {
      out += std::string(f.name) + ": " + std::string(f.value) + "\n";
    }
    if (!s.has("Filename")) {
      out += "Filename: pool/" + std::string(s.get("Package")) + "_" + std::string(s.get("Version")) + "_" +
             std::string(s.get("Architecture")) + ".deb\nSize: 1000\nSHA256: " + std::string(64, '0') + "\n";
    }
    out += "\n";
  }
  return out;
}

struct AptOutcome {
  bool ok = false;
  std::set<std::string> installed; // "name=version" (":arch" appended for foreign)
  std::string output;
};

// Runs apt on `packages` (already passed through with_files) on top of the
// dpkg `status` text, for `requests` (space-separated).
inline std::optional<AptOutcome> apt_on_fixture(const std::string& packages, const std::string& status,
                                                const std::string& requests, bool recommends,
                                                const std::string& foreign_arch = "") {
  if (run_command("command -v apt-get").empty()) {
    return std::nullopt;
  }
  std::string key = support::sha256_hex(packages + "\n--status--\n" + status + "\n--req--\n" + requests +
                                        (recommends ? "+rec" : "-rec") + foreign_arch)
                        .substr(0, 16);
  std::filesystem::path dir = std::filesystem::path(DISTILL_BINARY_DIR) / "oracle-cache" / "fixtures" / key;
  std::filesystem::path result = dir / "result.txt";
  if (!std::filesystem::exists(result)) {
    std::filesystem::create_directories(dir / "repo");
    std::filesystem::create_directories(dir / "lists" / "partial");
    std::filesystem::create_directories(dir / "cache" / "archives" / "partial");
    std::filesystem::create_directories(dir / "empty.d");
    std::ofstream(dir / "repo" / "Packages") << packages;
    std::ofstream(dir / "status") << status;
    std::ofstream(dir / "sources.list") << "deb [trusted=yes] file:" << (dir / "repo").string() << " ./\n";
    std::string d = shell_quote(dir.string());
    std::string arches = " -o APT::Architecture=amd64 -o APT::Architectures::=amd64";
    if (!foreign_arch.empty()) {
      arches += " -o APT::Architectures::=" + foreign_arch;
    }
    std::string common = " -o Dir::Etc::sourcelist=" + d + "/sources.list -o Dir::Etc::sourceparts=" + d +
                         "/empty.d -o Dir::State::Lists=" + d + "/lists -o Dir::State::status=" + d +
                         "/status -o Dir::Cache=" + d + "/cache -o Dir::Etc::preferences=/dev/null" +
                         " -o Dir::Etc::preferencesparts=" + d + "/empty.d -o Debug::NoLocking=1" +
                         " -o APT::Sandbox::User=root" + arches;
    std::string script = "apt-get -q" + common + " update > " + d + "/update.txt 2>&1 && apt-get -s -q" + common +
                         " -o APT::Install-Suggests=false -o APT::Install-Recommends=" +
                         (recommends ? "true" : "false") + " install " + requests + " > " + d +
                         "/install.txt 2>&1; echo \"rc=$?\" >> " + d + "/install.txt; mv " + d + "/install.txt " +
                         shell_quote(result.string());
    run_command("sh -c " + shell_quote(script));
  }
  std::ifstream in(result);
  if (!in) {
    return std::nullopt;
  }
  AptOutcome outcome;
  std::string line;
  while (std::getline(in, line)) {
    outcome.output += line + "\n";
    if (line == "rc=0") {
      outcome.ok = true;
    }
    if (!line.starts_with("Inst ")) {
      continue;
    }
    std::istringstream words(line.substr(5));
    std::string name;
    words >> name;
    std::size_t open = line.find(" (");
    std::size_t space = line.find(' ', open + 2);
    outcome.installed.insert(name + "=" + line.substr(open + 2, space - open - 2));
  }
  return outcome;
}

} // namespace distill::planner::debian::testing
