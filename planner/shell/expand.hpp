#pragma once

// Static expansion of shell words: parameters whose values the planner
// knows (ENV, ARG, literal assignments earlier in the script) are replaced,
// unquoted parameter values are split into fields as the shell would split
// them. Anything that needs running the script ($(...), $?, unknown
// variables, most ${x...} operators) is refused with a reason.

#include "planner/shell/syntax.hpp"
#include "support/error.hpp"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace distill::planner::shell {

// Variables with known values, by name.
using Variables = std::map<std::string, std::string, std::less<>>;

// What a script's environment is known to hold.
struct Environment {
  Variables values;                            // names with known values
  std::set<std::string, std::less<>> unknown;  // names only running the script gives values to
  // True when `values` is the whole environment: any other name is unset,
  // except the ones the shell sets itself (HOME, PWD, IFS, ...) and proxy settings.
  bool complete = false;
  // True when the base is an image whose config's Env the plan cannot see (a
  // pulled image, or a stage built on one): a name nothing else gives a value
  // may hold what that Env sets, which `distill lock` reads.
  bool base_image = false;
  // Names the base image's Env cannot supply here although `values` lacks
  // them: an ARG without a value, a secret mount's env, an `unset`.
  std::set<std::string, std::less<>> shadowed;
};

// True when `name` can only take its value from the base image's Env
// (Environment::base_image): a variable name that the Dockerfile, the script
// so far and the shell itself leave without a value.
bool from_base_image(std::string_view name, const Environment& environment);

// The fields a word becomes after parameter expansion and field splitting
// (default IFS). Pathname patterns are kept as written (the caller checks
// Word::has_glob()). Fails with a reason such as "uses $(...)" or
// "uses $version, whose value is not known".
support::Result<std::vector<std::string>> expand_fields(const Word& word, const Environment& environment);
support::Result<std::vector<std::string>> expand_fields(const Word& word, const Variables& variables);

// The word as one string (no field splitting, as in an assignment value).
support::Result<std::string> expand_word(const Word& word, const Environment& environment);

} // namespace distill::planner::shell
