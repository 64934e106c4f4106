#include "backend/oci/image_config.hpp"

#include "backend/oci/json.hpp"

namespace distill::backend::oci {

using nlohmann::json;
using support::fail;
using support::Result;

namespace {

void put_string(json& object, const char* key, const std::string& value) {
  if (!value.empty()) {
    object[key] = value;
  }
}

void put_list(json& object, const char* key, const std::vector<std::string>& value) {
  if (!value.empty()) {
    object[key] = value;
  }
}

// Go's map[string]struct{}: {"80/tcp":{}}.
void put_set(json& object, const char* key, const std::set<std::string>& value) {
  if (!value.empty()) {
    json set = json::object();
    for (const auto& item : value) {
      set[item] = json::object();
    }
    object[key] = std::move(set);
  }
}

json health_json(const HealthConfig& health) {
  json out = json::object();
  put_list(out, "Test", health.test);
  auto put_number = [&](const char* key, std::int64_t value) {
    if (value != 0) {
      out[key] = value;
    }
  };
  put_number("Interval", health.interval);
  put_number("Timeout", health.timeout);
  put_number("StartPeriod", health.start_period);
  put_number("StartInterval", health.start_interval);
  put_number("Retries", health.retries);
  return out;
}

// Reads optional fields with the types Go would accept; null counts as absent.
class Reader {
public:
  explicit Reader(std::string where) : m_where(std::move(where)) {}

  Result<void> string(const json& object, const char* key, std::string& out) const {
    if (auto it = object.find(key); it != object.end() && !it->is_null()) {
      if (!it->is_string()) {
        return fail("{}.{} must be a string", m_where, key);
      }
      out = it->get<std::string>();
    }
    return {};
  }

  Result<void> list(const json& object, const char* key, std::vector<std::string>& out) const {
    if (auto it = object.find(key); it != object.end() && !it->is_null()) {
      if (!it->is_array()) {
        return fail("{}.{} must be an array of strings", m_where, key);
      }
      for (const auto& item : *it) {
        if (!item.is_string()) {
          return fail("{}.{} must be an array of strings", m_where, key);
        }
        out.push_back(item.get<std::string>());
      }
    }
    return {};
  }

  Result<void> set(const json& object, const char* key, std::set<std::string>& out) const {
    if (auto it = object.find(key); it != object.end() && !it->is_null()) {
      if (!it->is_object()) {
        return fail("{}.{} must be an object", m_where, key);
      }
      for (const auto& item : it->items()) {
        out.insert(item.key());
      }
    }
    return {};
  }

  template <typename Number>
  Result<void> number(const json& object, const char* key, Number& out) const {
    if (auto it = object.find(key); it != object.end() && !it->is_null()) {
      if (!it->is_number_integer()) {
        return fail("{}.{} must be an integer", m_where, key);
      }
      out = it->get<Number>();
    }
    return {};
  }

private:
  std::string m_where;
};

#define DISTILL_TRY(expr)                                                                          \
  if (auto ok_ = (expr); !ok_) {                                                                   \
    return std::unexpected(ok_.error());                                                           \
  }

Result<void> read_container_config(const json& c, ImageConfig& config) {
  const Reader r("config");
  DISTILL_TRY(r.string(c, "User", config.user));
  DISTILL_TRY(r.set(c, "ExposedPorts", config.exposed_ports));
  DISTILL_TRY(r.list(c, "Env", config.env));
  DISTILL_TRY(r.list(c, "Entrypoint", config.entrypoint));
  DISTILL_TRY(r.list(c, "Cmd", config.cmd));
  DISTILL_TRY(r.set(c, "Volumes", config.volumes));
  DISTILL_TRY(r.string(c, "WorkingDir", config.working_dir));
  DISTILL_TRY(r.string(c, "StopSignal", config.stop_signal));
  DISTILL_TRY(r.list(c, "OnBuild", config.on_build));
  DISTILL_TRY(r.list(c, "Shell", config.shell));
  if (auto it = c.find("ArgsEscaped"); it != c.end() && it->is_boolean()) {
    config.args_escaped = it->get<bool>();
  }
  if (auto it = c.find("Labels"); it != c.end() && !it->is_null()) {
    if (!it->is_object()) {
      return fail("config.Labels must be an object");
    }
    for (const auto& item : it->items()) {
      if (!item.value().is_string()) {
        return fail("config.Labels.{} must be a string", item.key());
      }
      config.labels[item.key()] = item.value().get<std::string>();
    }
  }
  if (auto it = c.find("Healthcheck"); it != c.end() && !it->is_null()) {
    if (!it->is_object()) {
      return fail("config.Healthcheck must be an object");
    }
    const Reader h("config.Healthcheck");
    HealthConfig health;
    DISTILL_TRY(h.list(*it, "Test", health.test));
    DISTILL_TRY(h.number(*it, "Interval", health.interval));
    DISTILL_TRY(h.number(*it, "Timeout", health.timeout));
    DISTILL_TRY(h.number(*it, "StartPeriod", health.start_period));
    DISTILL_TRY(h.number(*it, "StartInterval", health.start_interval));
    DISTILL_TRY(h.number(*it, "Retries", health.retries));
    config.healthcheck = std::move(health);
  }
  return {};
}

} // namespace

std::string image_config_json(const ImageConfig& config) {
  json out = json::object();
  out["architecture"] = config.architecture;
  out["os"] = config.os;
  put_string(out, "variant", config.variant);
  put_string(out, "os.version", config.os_version);
  put_string(out, "created", config.created);
  put_string(out, "author", config.author);

  json c = json::object();
  put_string(c, "User", config.user);
  put_set(c, "ExposedPorts", config.exposed_ports);
  put_list(c, "Env", config.env);
  put_list(c, "Entrypoint", config.entrypoint);
  put_list(c, "Cmd", config.cmd);
  put_set(c, "Volumes", config.volumes);
  put_string(c, "WorkingDir", config.working_dir);
  if (!config.labels.empty()) {
    c["Labels"] = config.labels;
  }
  put_string(c, "StopSignal", config.stop_signal);
  if (config.args_escaped) {
    c["ArgsEscaped"] = true;
  }
  if (config.healthcheck) {
    c["Healthcheck"] = health_json(*config.healthcheck);
  }
  put_list(c, "OnBuild", config.on_build);
  put_list(c, "Shell", config.shell);
  out["config"] = std::move(c);

  out["rootfs"] = json{{"type", "layers"}, {"diff_ids", config.diff_ids}};
  if (!config.history.empty()) {
    json history = json::array();
    for (const auto& entry : config.history) {
      json h = json::object();
      put_string(h, "created", entry.created);
      put_string(h, "created_by", entry.created_by);
      put_string(h, "author", entry.author);
      put_string(h, "comment", entry.comment);
      if (entry.empty_layer) {
        h["empty_layer"] = true;
      }
      history.push_back(std::move(h));
    }
    out["history"] = std::move(history);
  }
  return canonical_json(out);
}

Result<ImageConfig> parse_image_config(std::string_view text) {
  auto parsed = parse_json(text, "image config");
  if (!parsed) {
    return std::unexpected(parsed.error());
  }
  const json& in = *parsed;
  if (!in.is_object()) {
    return fail("image config: not a JSON object");
  }
  ImageConfig config;
  config.architecture.clear();
  config.os.clear();
  const Reader r("image config");
  DISTILL_TRY(r.string(in, "architecture", config.architecture));
  DISTILL_TRY(r.string(in, "os", config.os));
  DISTILL_TRY(r.string(in, "variant", config.variant));
  DISTILL_TRY(r.string(in, "os.version", config.os_version));
  DISTILL_TRY(r.string(in, "created", config.created));
  DISTILL_TRY(r.string(in, "author", config.author));
  if (auto it = in.find("config"); it != in.end() && !it->is_null()) {
    if (!it->is_object()) {
      return fail("image config: config must be an object");
    }
    DISTILL_TRY(read_container_config(*it, config));
  }
  if (auto it = in.find("rootfs"); it != in.end() && it->is_object()) {
    DISTILL_TRY(Reader("rootfs").list(*it, "diff_ids", config.diff_ids));
  }
  if (auto it = in.find("history"); it != in.end() && !it->is_null()) {
    if (!it->is_array()) {
      return fail("image config: history must be an array");
    }
    const Reader h("history[]");
    for (const auto& item : *it) {
      HistoryEntry entry;
      if (!item.is_object()) {
        return fail("image config: history entries must be objects");
      }
      DISTILL_TRY(h.string(item, "created", entry.created));
      DISTILL_TRY(h.string(item, "created_by", entry.created_by));
      DISTILL_TRY(h.string(item, "author", entry.author));
      DISTILL_TRY(h.string(item, "comment", entry.comment));
      if (auto e = item.find("empty_layer"); e != item.end() && e->is_boolean()) {
        entry.empty_layer = e->get<bool>();
      }
      config.history.push_back(std::move(entry));
    }
  }
  return config;
}

std::optional<std::string> env_value(const std::vector<std::string>& env, std::string_view key) {
  for (const auto& item : env) {
    if (item.size() > key.size() && item.starts_with(key) && item[key.size()] == '=') {
      return item.substr(key.size() + 1);
    }
  }
  return std::nullopt;
}

void set_env(std::vector<std::string>& env, std::string_view key, std::string_view value) {
  std::string entry = std::string(key) + "=" + std::string(value);
  for (auto& item : env) {
    if (item.size() > key.size() && item.starts_with(key) && item[key.size()] == '=') {
      item = std::move(entry);
      return;
    }
  }
  env.push_back(std::move(entry));
}

} // namespace distill::backend::oci

#undef DISTILL_TRY
