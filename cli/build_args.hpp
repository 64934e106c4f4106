#pragma once

// Parsing of `distill build`'s command line into BuildOptions.

#include "backend/build/build_options.hpp"
#include "cli/commands.hpp"

#include <string>
#include <variant>

namespace distill::cli {

struct UsageError {
  std::string message;
};

struct HelpRequested {
  std::string text;
};

using BuildArgsResult = std::variant<backend::build::BuildOptions, UsageError, HelpRequested>;

// Parses the arguments of `distill build` (docker build's flags).
BuildArgsResult parse_build_args(const Args& args);

// Splits "K=V" (a value-less "K" takes V from the environment, as docker does
// for --build-arg). Returns false when K is empty.
bool split_key_value(const std::string& text, std::pair<std::string, std::string>& out,
                     bool value_from_env);

} // namespace distill::cli
