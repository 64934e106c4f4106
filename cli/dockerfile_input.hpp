#pragma once

// What parse, plan and lint share about their input: which file is the
// Dockerfile, reading it (or standard input), and --build-arg values.

#include "support/error.hpp"

#include <string>
#include <utility>
#include <vector>

namespace distill::cli {

// The Dockerfile to read: `file` (-f) as given, else CONTEXT/Dockerfile, else
// CONTEXT/dockerfile (as docker build looks for it).
std::string dockerfile_path(const std::string& file, const std::string& context);

// The file's text; "-" reads standard input.
support::Result<std::string> read_dockerfile(const std::string& path);

// --build-arg K=V values (a bare K takes V from the environment, as docker
// does); fails naming the first value without a key.
support::Result<std::vector<std::pair<std::string, std::string>>>
parse_build_arg_values(const std::vector<std::string>& texts);

} // namespace distill::cli
