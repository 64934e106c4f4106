#pragma once

// Helpers shared by the parser tests: where the shared conformance data is,
// reading files, and turning case names into test names.

#include "frontend/ast_dump.hpp"
#include "frontend/parse.hpp"
#include "support/atomic_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace distill::frontend::test {

inline std::filesystem::path shared_dir() { return std::filesystem::path(DISTILL_SOURCE_DIR) / ".." / "shared"; }
inline std::filesystem::path conformance_dir() { return shared_dir() / "conformance" / "buildkit-parser"; }
inline std::filesystem::path corpus_dir() { return shared_dir() / "corpus"; }

inline std::string read_text(const std::filesystem::path& path) {
  auto text = support::read_file(path);
  return text ? *text : std::string();
}

// A parameterized case: a name usable in a test name and the path it reads.
struct Case {
  std::string name;
  std::filesystem::path path;
};

// The sentinel case when the shared data is absent: its test skips with a message.
inline const char* k_missing = "shared_data_missing";

// The entries of `dir` (sorted), as cases; one sentinel case when `dir` is absent.
inline std::vector<Case> list_cases(const std::filesystem::path& dir, bool directories) {
  std::vector<Case> cases;
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    cases.push_back({k_missing, dir});
    return cases;
  }
  std::set<std::string> names;
  std::vector<std::filesystem::path> entries;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_directory() == directories) {
      entries.push_back(entry.path());
    }
  }
  std::sort(entries.begin(), entries.end());
  for (const auto& path : entries) {
    std::string name;
    for (char c : path.filename().string()) {
      name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    }
    while (names.contains(name)) {
      name += '_';
    }
    names.insert(name);
    cases.push_back({name, path});
  }
  return cases;
}

// gtest prints parameters; a case prints as its name.
inline void PrintTo(const Case& test_case, std::ostream* out) { *out << test_case.name; }

inline std::string case_name(const testing::TestParamInfo<Case>& info) { return info.param.name; }

#define DISTILL_SKIP_IF_MISSING(test_case)                                                                   \
  if ((test_case).name == ::distill::frontend::test::k_missing) {                                             \
    GTEST_SKIP() << "shared test data not found at " << (test_case).path << " (expected ../shared beside the source tree)"; \
  }

struct Parsed {
  Document document;
  support::DiagnosticSink sink;
};

inline Parsed parse_text(std::string text, std::string name = "Dockerfile") {
  Parsed parsed;
  parsed.document = parse(support::SourceFile{std::move(name), std::move(text)}, parsed.sink);
  return parsed;
}

inline std::string messages(const support::DiagnosticSink& sink) {
  std::string out;
  for (const auto& d : sink.diagnostics()) {
    out += std::string(support::to_string(d.severity)) + ": " + d.message + "\n";
  }
  return out;
}

inline bool has_error(const support::DiagnosticSink& sink, const std::string& message) {
  for (const auto& d : sink.diagnostics()) {
    if (d.severity == support::Severity::error && d.message == message) {
      return true;
    }
  }
  return false;
}

} // namespace distill::frontend::test
