#include "frontend/run_mount.hpp"

#include "frontend/go_path.hpp"
#include "frontend/go_quote.hpp"
#include "frontend/suggest.hpp"
#include "frontend/typed_support.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fmt/format.h>

namespace distill::frontend {
namespace {

// strconv.ParseBool.
std::optional<bool> parse_bool(std::string_view value) {
  static constexpr std::array<std::string_view, 6> k_true = {"1", "t", "T", "TRUE", "true", "True"};
  static constexpr std::array<std::string_view, 6> k_false = {"0", "f", "F", "FALSE", "false", "False"};
  if (std::find(k_true.begin(), k_true.end(), value) != k_true.end()) return true;
  if (std::find(k_false.begin(), k_false.end(), value) != k_false.end()) return false;
  return std::nullopt;
}

// strconv.ParseUint(value, base, 32).
std::optional<unsigned> parse_uint32(std::string_view value, int base) {
  if (value.empty()) return std::nullopt;
  unsigned long long result = 0;
  for (char c : value) {
    const int digit = c >= '0' && c <= '9' ? c - '0' : 99;
    if (digit >= base) return std::nullopt;
    result = result * static_cast<unsigned>(base) + static_cast<unsigned>(digit);
    if (result > 0xFFFFFFFFull) return std::nullopt;
  }
  return static_cast<unsigned>(result);
}

// go-units RAMInBytes: `<number>[ ][kmgtp][i][b]`, binary multiples.
std::optional<long long> ram_in_bytes(std::string_view value) {
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t start = i;
    while (i < value.size() && value[i] >= '0' && value[i] <= '9') ++i;
    return i > start;
  };
  if (!digits()) return std::nullopt;
  while (i < value.size() && value[i] == '.') {
    ++i;
    if (!digits()) return std::nullopt;
  }
  const std::string number(value.substr(0, i));
  if (i < value.size() && value[i] == ' ') ++i;
  double multiplier = 1;
  if (i < value.size()) {
    static constexpr std::string_view k_units = "kmgtp";
    const auto unit = k_units.find(static_cast<char>(std::tolower(static_cast<unsigned char>(value[i]))));
    if (unit != std::string_view::npos) {
      multiplier = std::pow(1024.0, static_cast<double>(unit + 1));
      ++i;
    }
  }
  if (i < value.size() && (value[i] == 'i' || value[i] == 'I')) ++i;
  if (i < value.size() && (value[i] == 'b' || value[i] == 'B')) ++i;
  if (i != value.size()) return std::nullopt;
  char* end = nullptr;
  const double size = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size()) return std::nullopt; // "1.2.3"
  return static_cast<long long>(size * multiplier);
}

std::string_view type_name(MountType type) {
  switch (type) {
  case MountType::bind: return "bind";
  case MountType::cache: return "cache";
  case MountType::tmpfs: return "tmpfs";
  case MountType::secret: return "secret";
  case MountType::ssh: return "ssh";
  }
  return "bind";
}

std::string base_name(std::string_view path) {
  // path.Base
  if (path.empty()) return ".";
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const auto slash = path.rfind('/');
  if (slash != std::string_view::npos && path.size() > 1) path.remove_prefix(slash + 1);
  return std::string(path);
}

} // namespace

support::Result<std::vector<std::string>> csv_fields(std::string_view value) {
  std::vector<std::string> fields;
  if (value.empty()) return fields;
  std::size_t i = 0;
  for (;;) {
    std::string field;
    if (i < value.size() && value[i] == '"') {
      const std::size_t open = i;
      ++i;
      for (;;) {
        if (i >= value.size()) {
          return support::fail("parse error on line 1, column {}: extraneous or missing \" in quoted-field", open + 1);
        }
        if (value[i] == '"') {
          if (i + 1 < value.size() && value[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          if (i < value.size() && value[i] != ',') {
            return support::fail("parse error on line 1, column {}: extraneous or missing \" in quoted-field", i + 1);
          }
          break;
        }
        field += value[i++];
      }
    } else {
      while (i < value.size() && value[i] != ',') {
        if (value[i] == '"') {
          return support::fail("parse error on line 1, column {}: bare \" in non-quoted-field", i + 1);
        }
        field += value[i++];
      }
    }
    fields.push_back(std::move(field));
    if (i >= value.size()) break;
    ++i; // ','
  }
  return fields;
}

support::Result<void> check_mount_syntax(std::string_view value) {
  auto fields = csv_fields(value);
  if (!fields) return std::unexpected(fields.error().context("failed to parse csv mounts"));
  for (const auto& field : *fields) {
    const auto eq = field.find('=');
    if (eq == std::string::npos) continue;
    if (ascii_lower(field.substr(0, eq)) != "from") continue;
    const std::string_view from = std::string_view(field).substr(eq + 1);
    const auto dollar = from.find('$');
    if (dollar != std::string_view::npos && dollar != from.size() - 1) {
      return support::fail("'from' doesn't support variable expansion, define alias stage instead");
    }
  }
  return {};
}

support::Result<RunMount> parse_mount(std::string_view raw, const MountExpander& expand) {
  auto fields = csv_fields(raw);
  if (!fields) return std::unexpected(fields.error().context("failed to parse csv mounts"));
  RunMount m;
  m.raw = std::string(raw);
  m.sharing.clear(); // "" until given; the default is applied at the end
  bool ro_auto = true;
  bool has_id = false;
  bool has_env = false;

  for (const auto& field : *fields) {
    const auto eq = field.find('=');
    const std::string key = ascii_lower(field.substr(0, eq));
    if (eq == std::string::npos) {
      if (key == "readonly" || key == "ro") {
        m.read_only = true;
        ro_auto = false;
        continue;
      }
      if (key == "readwrite" || key == "rw") {
        m.read_only = false;
        ro_auto = false;
        continue;
      }
      if (key == "required") {
        if (m.type == MountType::secret || m.type == MountType::ssh) {
          m.required = true;
          continue;
        }
        return support::fail("unexpected key '{}' for mount type '{}'", key, type_name(m.type));
      }
      return support::fail("invalid field '{}' must be a key=value pair", field);
    }
    std::string value = field.substr(eq + 1);
    if (key != "from") {
      auto expanded = expand(value);
      if (!expanded) return std::unexpected(expanded.error());
      value = std::move(*expanded);
    } else {
      const auto dollar = value.find('$');
      if (dollar != std::string::npos && dollar != value.size() - 1) {
        return support::fail("'from' doesn't support variable expansion, define alias stage instead");
      }
    }

    if (key == "type") {
      static constexpr std::array<std::string_view, 5> k_types = {"bind", "cache", "tmpfs", "secret", "ssh"};
      const std::string lower = ascii_lower(value);
      const auto found = std::find(k_types.begin(), k_types.end(), lower);
      if (found == k_types.end()) {
        return support::fail("{}", with_suggestion(fmt::format("unsupported mount type {}", go_quote(value)), value,
                                                   k_types, true));
      }
      m.type = static_cast<MountType>(found - k_types.begin());
    } else if (key == "from") {
      m.from = value;
    } else if (key == "source" || key == "src") {
      m.source = value;
    } else if (key == "target" || key == "dst" || key == "destination") {
      m.target = value;
    } else if (key == "readonly" || key == "ro" || key == "readwrite" || key == "rw") {
      auto flag = parse_bool(value);
      if (!flag) return support::fail("invalid value for {}: {}", key, value);
      m.read_only = (key == "readonly" || key == "ro") ? *flag : !*flag;
      ro_auto = false;
    } else if (key == "required") {
      if (m.type != MountType::secret && m.type != MountType::ssh) {
        return support::fail("unexpected key '{}' for mount type '{}'", key, type_name(m.type));
      }
      auto flag = parse_bool(value);
      if (!flag) return support::fail("invalid value for {}: {}", key, value);
      m.required = *flag;
    } else if (key == "size") {
      if (m.type != MountType::tmpfs) {
        return support::fail("unexpected key '{}' for mount type '{}'", key, type_name(m.type));
      }
      auto size = ram_in_bytes(value);
      if (!size) return support::fail("invalid value for {}: {}", key, value);
      m.size = *size;
    } else if (key == "id") {
      m.id = value;
      has_id = true;
    } else if (key == "sharing") {
      static constexpr std::array<std::string_view, 3> k_modes = {"shared", "private", "locked"};
      const std::string lower = ascii_lower(value);
      if (std::find(k_modes.begin(), k_modes.end(), lower) == k_modes.end()) {
        return support::fail("{}", with_suggestion(fmt::format("unsupported sharing value {}", go_quote(value)),
                                                   value, k_modes, true));
      }
      m.sharing = lower;
    } else if (key == "mode") {
      auto mode = parse_uint32(value, 8);
      if (!mode) return support::fail("invalid value {} for mode", value);
      m.mode = *mode;
    } else if (key == "uid" || key == "gid") {
      auto id = parse_uint32(value, 10);
      if (!id) return support::fail("invalid value {} for {}", value, key);
      (key == "uid" ? m.uid : m.gid) = *id;
    } else if (key == "env") {
      m.env = value;
      has_env = true;
    } else {
      static constexpr std::array<std::string_view, 19> k_keys = {
          "type", "from", "source", "target", "readonly", "id",  "sharing", "required",  "size", "mode",
          "uid",  "gid",  "src",    "dst",    "destination", "ro", "rw",    "readwrite", "env"};
      return support::fail("{}", with_suggestion(fmt::format("unexpected key '{}' in '{}'", key, field), key,
                                                 k_keys, true));
    }
  }

  const bool file_info_allowed =
      m.type == MountType::secret || m.type == MountType::ssh || m.type == MountType::cache;
  if (!file_info_allowed) {
    const std::string type = go_quote(type_name(m.type));
    if (m.mode) return support::fail("mode not allowed for {} type mounts", type);
    if (m.uid) return support::fail("uid not allowed for {} type mounts", type);
    if (m.gid) return support::fail("gid not allowed for {} type mounts", type);
  }
  if (ro_auto) m.read_only = !(m.type == MountType::cache || m.type == MountType::tmpfs);

  if (m.type == MountType::secret) {
    if (!m.from.empty()) return support::fail("secret mount should not have a from");
    if (!m.sharing.empty()) return support::fail("secret mount should not define sharing");
    if (m.source.empty() && m.target.empty() && m.id.empty()) {
      return support::fail("invalid secret mount. one of source, target required");
    }
    if (!m.source.empty() && !m.id.empty()) return support::fail("both source and id can't be set");
  }
  if (!m.sharing.empty() && m.type != MountType::cache) {
    return support::fail("invalid cache sharing set for {} mount", type_name(m.type));
  }

  // Defaults dockerfile2llb applies (convert_runmount.go, convert_secrets.go,
  // convert_ssh.go).
  switch (m.type) {
  case MountType::cache:
    if (m.sharing.empty()) m.sharing = "shared";
    if (!has_id || m.id.empty()) m.id = go_clean_path(m.target);
    break;
  case MountType::secret:
    if (!m.source.empty()) m.id = m.source;
    if (m.id.empty()) m.id = base_name(m.target);
    if (m.target.empty() && !has_env) m.target = "/run/secrets/" + base_name(m.id);
    break;
  case MountType::ssh:
    if (m.id.empty()) m.id = "default";
    break;
  case MountType::bind:
  case MountType::tmpfs:
    break;
  }
  return m;
}

support::Result<RunDevice> parse_device(std::string_view value) {
  auto fields = csv_fields(value);
  if (!fields) return std::unexpected(fields.error().context("failed to parse csv devices"));
  RunDevice device;
  for (const auto& field : *fields) {
    const auto eq = field.find('=');
    const std::string key = ascii_lower(field.substr(0, eq));
    if (eq == std::string::npos) {
      if (key == "required") {
        device.required = true;
      } else if (device.name.empty()) {
        device.name = field;
      } else {
        return support::fail("invalid field '{}' must be a key=value pair", field);
      }
      continue;
    }
    const std::string val = field.substr(eq + 1);
    if (key == "name") {
      if (!device.name.empty()) return support::fail("device name already set to {}", device.name);
      device.name = val;
    } else if (key == "required") {
      auto flag = parse_bool(val);
      if (!flag) return support::fail("invalid value for {}: {}", key, val);
      device.required = *flag;
    } else if (device.name.empty()) {
      device.name = field;
    } else {
      static constexpr std::array<std::string_view, 2> k_keys = {"name", "required"};
      return support::fail("{}", with_suggestion(fmt::format("unexpected key '{}' in '{}'", key, field), key,
                                                 k_keys, true));
    }
  }
  return device;
}

} // namespace distill::frontend
