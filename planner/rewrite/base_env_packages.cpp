#include "planner/rewrite/base_env_packages.hpp"

#include "planner/rewrite/apt_command.hpp"
#include "planner/shell/expand.hpp"
#include "planner/shell/reader.hpp"
#include "planner/shell/walk.hpp"

#include <algorithm>

namespace distill::planner::rewrite {
namespace {

// The word read back from its text: as the argument of a command, so that
// `name=value` stays a word and is not taken for an assignment.
support::Result<shell::Word> read_word(const std::string& text) {
  const shell::Script script = shell::read_script(": " + text);
  const std::vector<shell::FlatCommand> commands = shell::flatten(script);
  if (script.error || commands.size() != 1 || commands.front().command->words.size() != 2) {
    return support::fail("cannot read the package word '{}' again", text);
  }
  return commands.front().command->words[1];
}

support::Result<void> expand_word(const BaseEnvWord& word, const shell::Variables& image_env, std::string_view image,
                                  std::vector<PackageRequest>& out) {
  shell::Environment environment;
  for (const auto& [name, value] : word.values) environment.values[name] = value;
  std::string read;
  for (const std::string& name : word.names) {
    const auto found = image_env.find(name);
    if (found == image_env.end()) {
      return support::fail("apt-get install reads ${} in '{}', but the config of {} does not set it: set it "
                           "with ENV (or ARG with a value) before this RUN, or build on an image whose config "
                           "sets it",
                           name, word.word, image);
    }
    environment.values[name] = found->second;
    read += (read.empty() ? "" : ", ") + name + "='" + found->second + "'";
  }
  auto parsed = read_word(word.word);
  if (!parsed) return std::unexpected(parsed.error());
  auto fields = shell::expand_fields(*parsed, environment);
  if (!fields) {
    return support::fail("cannot expand '{}' with {} from {}: {}", word.word, read, image, fields.error().message);
  }
  for (const std::string& field : *fields) {
    auto request = install_request(field, *parsed);
    if (!request) {
      return support::fail("'{}' expands to '{}' with {} from the config of {}: {}", word.word, field, read, image,
                           request.error().reason);
    }
    out.push_back(std::move(*request));
  }
  return {};
}

} // namespace

bool reads_base_env(const std::vector<PackageRequest>& packages) {
  return std::ranges::any_of(packages, [](const PackageRequest& request) { return request.from_base_env.has_value(); });
}

support::Result<std::vector<PackageRequest>> expand_base_env_packages(const std::vector<PackageRequest>& packages,
                                                                      const std::vector<std::string>& env,
                                                                      std::string_view image) {
  shell::Variables image_env;
  for (const std::string& entry : env) {
    const auto equals = entry.find('=');
    if (equals != std::string::npos) image_env[entry.substr(0, equals)] = entry.substr(equals + 1);
  }
  std::vector<PackageRequest> out;
  for (const PackageRequest& request : packages) {
    if (!request.from_base_env) {
      out.push_back(request);
    } else if (auto expanded = expand_word(*request.from_base_env, image_env, image, out); !expanded) {
      return std::unexpected(expanded.error());
    }
  }
  return out;
}

} // namespace distill::planner::rewrite
