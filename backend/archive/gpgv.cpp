#include "backend/archive/gpgv.hpp"

#include "backend/archive/clearsign.hpp"
#include "support/atomic_file.hpp"
#include "support/run_program.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <sys/stat.h>

namespace distill::backend::archive {

namespace {

namespace fs = std::filesystem;

// A private directory for gpgv's inputs, output and home; removed on exit.
class ScratchDir {
public:
  static support::Result<ScratchDir> make() {
    std::string pattern = (fs::temp_directory_path() / "distill-gpgv-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return support::fail("creating a temporary directory for gpgv: {}", std::strerror(errno));
    }
    return ScratchDir(pattern);
  }
  ScratchDir(ScratchDir&& other) noexcept : m_path(std::exchange(other.m_path, {})) {}
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    if (!m_path.empty()) {
      std::error_code ec;
      fs::remove_all(m_path, ec);
    }
  }
  const fs::path& path() const { return m_path; }

private:
  explicit ScratchDir(fs::path path) : m_path(std::move(path)) {}
  fs::path m_path;
};

// "--keyring FILE" pairs; armored keys are dearmored into the scratch dir
// because gpgv reads binary keyrings only.
support::Result<std::vector<std::string>> keyring_args(const Keyrings& keyrings,
                                                       const fs::path& scratch) {
  if (keyrings.empty()) {
    return support::fail("no keyring to check the signature against (pass --keyring, or install "
                         "the distro's archive keyring package)");
  }
  std::vector<std::string> args;
  int count = 0;
  auto add_armored = [&](std::string_view text, std::string_view what) -> support::Result<void> {
    auto packets = dearmor(text, what);
    if (!packets) {
      return std::unexpected(packets.error());
    }
    const fs::path file = scratch / fmt::format("key{}.gpg", count++);
    if (auto written = support::write_file_atomic(file, *packets); !written) {
      return written;
    }
    args.insert(args.end(), {"--keyring", file.string()});
    return {};
  };
  for (const auto& file : keyrings.files) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      return support::fail("the keyring {} does not exist (install the distro's archive keyring "
                           "package, or pass --keyring)",
                           file.string());
    }
    auto data = support::read_file(file);
    if (!data) {
      return std::unexpected(data.error());
    }
    if (is_armored(*data)) {
      if (auto added = add_armored(*data, file.string()); !added) {
        return std::unexpected(added.error());
      }
    } else {
      // gpgv takes a name without a slash as relative to its home: pass it absolute.
      args.insert(args.end(), {"--keyring", fs::absolute(file).string()});
    }
  }
  for (const auto& text : keyrings.armored) {
    if (auto added = add_armored(text, "an inline Signed-By key"); !added) {
      return std::unexpected(added.error());
    }
  }
  return args;
}

std::string describe(const Keyrings& keyrings) {
  std::string out;
  for (const auto& f : keyrings.files) {
    out += (out.empty() ? "" : ", ") + f.string();
  }
  if (!keyrings.armored.empty()) {
    out += fmt::format("{}{} inline key(s)", out.empty() ? "" : ", ", keyrings.armored.size());
  }
  return out;
}

struct StatusSummary {
  std::vector<std::string> good;     // primary fingerprints
  std::vector<std::string> bad;      // "BADSIG <keyid> <uid>"
  std::vector<std::string> unknown;  // key ids without a public key
  std::vector<std::string> problems; // expired/revoked keys, weak digests, errors
};

// Reads gpgv's --status-fd lines (doc/DETAILS in GnuPG).
StatusSummary parse_status(const std::string& status) {
  StatusSummary summary;
  std::istringstream lines(status);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("[GNUPG:] ")) {
      continue;
    }
    std::istringstream words(line.substr(9));
    std::vector<std::string> t;
    for (std::string w; words >> w;) {
      t.push_back(w);
    }
    if (t.empty()) {
      continue;
    }
    const std::string rest = t.size() > 1 ? line.substr(line.find(t[1], 9)) : "";
    if (t[0] == "VALIDSIG" && t.size() >= 9) {
      const std::string& hash = t[8];
      if (hash == "1" || hash == "2" || hash == "3") { // MD5, SHA1, RIPEMD160
        summary.problems.push_back("a signature uses a weak digest (algorithm " + hash + ")");
      } else {
        summary.good.push_back(t.size() >= 11 ? t[10] : t[1]);
      }
    } else if (t[0] == "BADSIG") {
      summary.bad.push_back(rest);
    } else if (t[0] == "NO_PUBKEY" && t.size() >= 2) {
      summary.unknown.push_back(t[1]);
    } else if (t[0] == "EXPKEYSIG" || t[0] == "REVKEYSIG" || t[0] == "EXPSIG") {
      summary.problems.push_back(fmt::format("{} ({})",
                                             t[0] == "EXPKEYSIG"   ? "signed by an expired key"
                                             : t[0] == "REVKEYSIG" ? "signed by a revoked key"
                                                                   : "the signature has expired",
                                             rest));
    }
  }
  return summary;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// Runs gpgv and turns its verdict into a fingerprint list or an error.
support::Result<std::vector<std::string>> run_gpgv(std::vector<std::string> argv,
                                                   const Keyrings& keyrings, std::string_view what) {
  auto output = support::run_program(argv);
  if (!output) {
    return std::unexpected(output.error().context(fmt::format("checking the signature of {}", what)));
  }
  const StatusSummary summary = parse_status(output->out);
  if (!summary.bad.empty()) {
    return support::fail("bad signature on {}: BADSIG {} (the file was changed after it was "
                         "signed, or is corrupt)",
                         what, summary.bad.front());
  }
  if (summary.good.empty()) {
    if (!summary.unknown.empty()) {
      std::string ids;
      for (const auto& id : summary.unknown) {
        ids += (ids.empty() ? "" : ", ") + id;
      }
      return support::fail("signature check failed for {}: it is signed by key {}, which is not in "
                           "the trusted keyring(s) {}",
                           what, ids, describe(keyrings));
    }
    const std::string reason = !summary.problems.empty() ? summary.problems.front()
                                                         : trimmed(output->err);
    return support::fail("signature check failed for {}: {} (keyrings: {})", what, reason,
                         describe(keyrings));
  }
  return summary.good;
}

support::Result<std::vector<std::string>> base_argv(const GpgvOptions& options,
                                                    const Keyrings& keyrings,
                                                    const ScratchDir& scratch) {
  const fs::path home = scratch.path() / "home";
  std::error_code ec;
  fs::create_directories(home, ec);
  ::chmod(home.c_str(), 0700);
  auto keys = keyring_args(keyrings, scratch.path());
  if (!keys) {
    return std::unexpected(keys.error());
  }
  std::vector<std::string> argv = {options.program, "--homedir",   home.string(), "--status-fd",
                                   "1",             "--weak-digest", "SHA1"};
  argv.insert(argv.end(), keys->begin(), keys->end());
  return argv;
}

} // namespace

support::Result<VerifiedText> verify_clearsigned(std::string_view document, const Keyrings& keyrings,
                                                 std::string_view what, const GpgvOptions& options) {
  auto parts = split_clearsigned(document, what);
  if (!parts) {
    return std::unexpected(parts.error());
  }
  auto scratch = ScratchDir::make();
  if (!scratch) {
    return std::unexpected(scratch.error());
  }
  auto argv = base_argv(options, keyrings, *scratch);
  if (!argv) {
    return std::unexpected(argv.error().context(fmt::format("checking the signature of {}", what)));
  }
  const fs::path input = scratch->path() / "InRelease";
  const fs::path output = scratch->path() / "verified";
  if (auto written = support::write_file_atomic(input, document); !written) {
    return std::unexpected(written.error());
  }
  argv->insert(argv->end(), {"--output", output.string(), input.string()});
  auto fingerprints = run_gpgv(*argv, keyrings, what);
  if (!fingerprints) {
    return std::unexpected(fingerprints.error());
  }
  auto text = support::read_file(output);
  if (!text) {
    return std::unexpected(text.error().context(fmt::format("reading what gpgv verified of {}", what)));
  }
  // gpgv vouches for its output; the split is ours. They must agree, or
  // something in the document is being read two different ways.
  if (*text != parts->body) {
    return support::fail("{}: the text gpgv verified differs from the document's signed part; "
                         "refusing it",
                         what);
  }
  return VerifiedText{std::move(*text), std::move(*fingerprints)};
}

support::Result<VerifiedText> verify_detached(std::string_view data, std::string_view signature,
                                              const Keyrings& keyrings, std::string_view what,
                                              const GpgvOptions& options) {
  auto scratch = ScratchDir::make();
  if (!scratch) {
    return std::unexpected(scratch.error());
  }
  auto argv = base_argv(options, keyrings, *scratch);
  if (!argv) {
    return std::unexpected(argv.error().context(fmt::format("checking the signature of {}", what)));
  }
  const fs::path data_file = scratch->path() / "Release";
  const fs::path signature_file = scratch->path() / "Release.gpg";
  if (auto written = support::write_file_atomic(data_file, data); !written) {
    return std::unexpected(written.error());
  }
  if (auto written = support::write_file_atomic(signature_file, signature); !written) {
    return std::unexpected(written.error());
  }
  argv->insert(argv->end(), {signature_file.string(), data_file.string()});
  auto fingerprints = run_gpgv(*argv, keyrings, what);
  if (!fingerprints) {
    return std::unexpected(fingerprints.error());
  }
  return VerifiedText{std::string(data), std::move(*fingerprints)};
}

} // namespace distill::backend::archive
