#pragma once

// .dockerignore reading and matching exactly like moby/patternmatcher (which
// BuildKit vendors): ignorefile.ReadAll, patternmatcher.New and
// MatchesOrParentMatches; plus which ignore file applies to a build.

#include "support/error.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace distill::frontend {

struct CompiledIgnoreRegex; // defined in dockerignore.cpp

struct IgnorePattern {
  enum class Match { exact, prefix, suffix, regexp };
  std::string pattern;  // cleaned, without the leading '!'
  bool exclusion = false; // `!pattern`: re-include
  Match match = Match::exact;
  std::string go_regexp; // the Go regular expression patternmatcher builds (Match::regexp)
  std::shared_ptr<const CompiledIgnoreRegex> compiled; // null when the regexp does not compile
};

struct IgnoreMatcher {
  std::vector<IgnorePattern> patterns;
  bool exclusions = false; // some pattern starts with '!'
};

// The patterns of a .dockerignore file's text (ignorefile.ReadAll): BOM
// stripped, `#` comments in column 0, lines trimmed and cleaned, one leading
// '/' removed. Fails like BuildKit on a line of 64 KiB or more.
support::Result<std::vector<std::string>> read_ignore_patterns(std::string_view content);

// A matcher for `patterns` (patternmatcher.New). Fails with
// `illegal exclusion pattern: "!"` or `syntax error in pattern`.
support::Result<IgnoreMatcher> make_ignore_matcher(const std::vector<std::string>& patterns);

// Whether slash-separated `path` (relative to the context root) is excluded:
// it or a parent directory matches, the last matching pattern wins
// (MatchesOrParentMatches). Fails with `syntax error in pattern` when a
// pattern that has to be evaluated is not a valid regular expression.
support::Result<bool> ignore_matches(const IgnoreMatcher& matcher, std::string_view path);

// The ignore file for a build: `<dockerfile>.dockerignore` next to the
// Dockerfile if it exists, else `<context>/.dockerignore` if it exists, else
// nullopt.
std::optional<std::filesystem::path> find_ignore_file(const std::filesystem::path& context_dir,
                                                      const std::filesystem::path& dockerfile);

// Reads and compiles the ignore file find_ignore_file() picks; an empty
// matcher when there is none. Errors name the file.
support::Result<IgnoreMatcher> load_ignore_file(const std::filesystem::path& context_dir,
                                                const std::filesystem::path& dockerfile);

} // namespace distill::frontend
