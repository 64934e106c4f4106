#include "cli/lint_config.hpp"

#include "support/atomic_file.hpp"

#include <array>
#include <system_error>

#include <yaml-cpp/yaml.h>

namespace distill::cli {
namespace {

namespace fs = std::filesystem;

// yaml-cpp marks are 0-based and -1 when unknown; messages are 1-based.
std::string position(const fs::path& path, const YAML::Mark& mark) {
  if (mark.line < 0) return path.string();
  return fmt::format("{}:{}:{}", path.string(), mark.line + 1, mark.column + 1);
}

std::unexpected<support::Error> bad(const fs::path& path, const YAML::Node& node, std::string_view message) {
  return support::fail("{}: {}", position(path, node.Mark()), message);
}

support::Result<std::string> scalar(const fs::path& path, const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar()) return bad(path, node, fmt::format("'{}' must be a string", key));
  return node.Scalar();
}

// A list of strings; a single string is taken as a list of one, as hadolint does.
support::Result<std::vector<std::string>> strings(const fs::path& path, const YAML::Node& node, std::string_view key) {
  std::vector<std::string> out;
  if (node.IsNull()) return out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence()) return bad(path, node, fmt::format("'{}' must be a list of strings", key));
  for (const YAML::Node& item : node) {
    if (!item.IsScalar()) return bad(path, item, fmt::format("'{}' must be a list of strings", key));
    out.push_back(item.Scalar());
  }
  return out;
}

support::Result<void> read_overrides(const fs::path& path, const YAML::Node& node, LintConfig& config) {
  if (node.IsNull()) return {};
  if (!node.IsMap()) return bad(path, node, "'override' must map error, warning, info or style to lists of rules");
  for (const auto& entry : node) {
    auto level = scalar(path, entry.first, "override");
    if (!level) return std::unexpected(level.error());
    const auto severity = support::severity_from_string(*level);
    if (!severity) {
      return bad(path, entry.first, fmt::format("unknown severity '{}' in 'override': use error, warning, info or style", *level));
    }
    auto ids = strings(path, entry.second, "override." + *level);
    if (!ids) return std::unexpected(ids.error());
    for (std::string& id : *ids) config.overrides.emplace_back(std::move(id), *severity);
  }
  return {};
}

support::Result<void> read_key(const fs::path& path, const std::string& key, const YAML::Node& value,
                               bool hadolint, LintConfig& config) {
  if (key == "ignored") {
    auto ids = strings(path, value, key);
    if (!ids) return std::unexpected(ids.error());
    config.ignored = std::move(*ids);
  } else if (key == "override") {
    return read_overrides(path, value, config);
  } else if (key == "failure-threshold") {
    auto name = scalar(path, value, key);
    if (!name) return std::unexpected(name.error());
    if (*name != "none" && *name != "ignore" && !support::severity_from_string(*name)) {
      return bad(path, value, fmt::format("unknown failure-threshold '{}': use error, warning, info, style or none", *name));
    }
    // hadolint's `ignore` threshold is spelt `none` here.
    config.failure_threshold = *name == "ignore" ? "none" : *name;
  } else if (key == "trustedRegistries" || key == "trusted-registries") {
    auto registries = strings(path, value, key);
    if (!registries) return std::unexpected(registries.error());
    config.trusted_registries = std::move(*registries);
  } else if (key == "disable-ignore-pragma" || key == "no-fail") {
    bool flag = false;
    if (!value.IsScalar() || !YAML::convert<bool>::decode(value, flag)) {
      return bad(path, value, fmt::format("'{}' must be true or false", key));
    }
    if (key == "no-fail") {
      if (flag) config.failure_threshold = "none";
    } else {
      config.disable_ignore_pragma = flag;
    }
  } else if (!hadolint) {
    // hadolint files hold keys for its other features (label schemas, formats); a
    // distill file is ours, so a misspelt key is an error rather than a silent no-op.
    return support::fail("{}: unknown key '{}' (known: ignored, override, failure-threshold, trustedRegistries, "
                         "disable-ignore-pragma, no-fail)",
                         position(path, value.Mark()), key);
  }
  return {};
}

} // namespace

support::Result<LintConfig> read_lint_config(const fs::path& path) {
  auto text = support::read_file(path.string());
  if (!text) return std::unexpected(text.error());
  LintConfig config;
  config.path = path.string();
  const bool hadolint = path.filename().string().starts_with(".hadolint") ||
                        path.filename().string().starts_with("hadolint");
  try {
    const YAML::Node root = YAML::Load(*text);
    if (root.IsNull()) return config;
    if (!root.IsMap()) return bad(path, root, "the configuration must be a mapping of keys to values");
    for (const auto& entry : root) {
      auto key = scalar(path, entry.first, "key");
      if (!key) return std::unexpected(key.error());
      if (auto read = read_key(path, *key, entry.second, hadolint, config); !read) return std::unexpected(read.error());
    }
  } catch (const YAML::Exception& e) {
    return support::fail("{}: invalid YAML: {}", position(path, e.mark), e.msg);
  }
  return config;
}

std::optional<fs::path> find_lint_config(const fs::path& start) {
  static constexpr std::array<std::string_view, 4> k_names = {".distill.yaml", ".distill.yml", ".hadolint.yaml",
                                                              ".hadolint.yml"};
  std::error_code error;
  const fs::path from = fs::absolute(start, error).lexically_normal();
  // Only search upward inside a repository: outside one, a parent folder's file
  // belongs to someone else's project.
  bool in_repository = false;
  for (fs::path dir = from; !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", error)) {
      in_repository = true;
      break;
    }
    if (dir == dir.parent_path()) break;
  }
  for (fs::path dir = from; !dir.empty(); dir = dir.parent_path()) {
    for (std::string_view name : k_names) {
      if (fs::is_regular_file(dir / name, error)) return dir / name;
    }
    if (!in_repository || fs::exists(dir / ".git", error) || dir == dir.parent_path()) break;
  }
  return std::nullopt;
}

} // namespace distill::cli
