#include "backend/archive/config_file.hpp"

#include "support/atomic_file.hpp"

#include <nlohmann/json.hpp>

namespace distill::backend::archive {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A string, or a list of strings, at `path` ("debian.mirror").
support::Result<std::vector<std::string>> strings(const json& value, const std::string& path) {
  std::vector<std::string> out;
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
    return out;
  }
  if (value.is_array()) {
    for (const auto& item : value) {
      if (!item.is_string()) {
        return support::fail("{}: every entry must be a string", path);
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  return support::fail("{}: expected a string or a list of strings", path);
}

support::Result<DistroConfig> parse_distro(const json& object, const std::string& name) {
  if (!object.is_object()) {
    return support::fail("{}: expected an object", name);
  }
  DistroConfig config;
  for (const auto& [key, value] : object.items()) {
    const std::string path = name + "." + key;
    if (key == "snapshot") {
      if (!value.is_string()) {
        return support::fail("{}: expected a string", path);
      }
      config.snapshot = value.get<std::string>();
      continue;
    }
    auto list = strings(value, path);
    if (!list) {
      return std::unexpected(list.error());
    }
    if (key == "mirror" || key == "mirrors") {
      config.mirrors = std::move(*list);
    } else if (key == "security_mirror" || key == "security_mirrors") {
      config.security_mirrors = std::move(*list);
    } else if (key == "suites") {
      config.suites = std::move(*list);
    } else if (key == "security_suites") {
      config.security_suites = std::move(*list);
    } else if (key == "components") {
      config.components = std::move(*list);
    } else if (key == "architectures") {
      config.architectures = std::move(*list);
    } else if (key == "keyring" || key == "keyrings") {
      config.keyrings.assign(list->begin(), list->end());
    } else {
      return support::fail("{}: unknown setting (see docs/config.md)", path);
    }
  }
  if (config.mirrors.empty() && !config.snapshot) {
    return support::fail("{}: needs \"mirror\" or \"snapshot\"", name);
  }
  return config;
}

} // namespace

support::Result<DistillConfig> parse_config(std::string_view text, const fs::path& file) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    return support::fail("{}: not valid JSON: {}", file.string(), e.what());
  }
  if (!root.is_object()) {
    return support::fail("{}: expected a JSON object", file.string());
  }
  DistillConfig config;
  config.file = file;
  for (const auto& [key, value] : root.items()) {
    if (key == "$schema" || key == "comment") {
      continue;
    }
    auto distro = parse_distro(value, key);
    if (!distro) {
      return std::unexpected(distro.error().context(file.string()));
    }
    config.distros.emplace(key, std::move(*distro));
  }
  return config;
}

support::Result<std::optional<DistillConfig>> load_config(const fs::path& context_dir,
                                                          const std::string& xdg_config_home,
                                                          const std::string& home) {
  std::vector<fs::path> candidates;
  if (!context_dir.empty()) {
    candidates.push_back(context_dir / "distill.json");
  }
  if (!xdg_config_home.empty() && xdg_config_home.front() == '/') {
    candidates.push_back(fs::path(xdg_config_home) / "distill/config.json");
  } else if (!home.empty()) {
    candidates.push_back(fs::path(home) / ".config/distill/config.json");
  }
  for (const auto& path : candidates) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      continue;
    }
    auto text = support::read_file(path);
    if (!text) {
      return std::unexpected(text.error());
    }
    auto config = parse_config(*text, path);
    if (!config) {
      return std::unexpected(config.error());
    }
    return std::optional<DistillConfig>(std::move(*config));
  }
  return std::optional<DistillConfig>();
}

} // namespace distill::backend::archive
