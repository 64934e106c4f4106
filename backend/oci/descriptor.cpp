#include "backend/oci/descriptor.hpp"

#include "backend/oci/json.hpp"
#include "backend/oci/media_types.hpp"
#include "support/sha256.hpp"

namespace distill::backend::oci {

using nlohmann::json;
using support::fail;
using support::Result;

namespace {

Result<std::map<std::string, std::string>> parse_annotations(const json& object) {
  std::map<std::string, std::string> out;
  if (auto it = object.find("annotations"); it != object.end() && !it->is_null()) {
    if (!it->is_object()) {
      return fail("annotations must be an object");
    }
    for (const auto& item : it->items()) {
      if (!item.value().is_string()) {
        return fail("annotation {} must be a string", item.key());
      }
      out[item.key()] = item.value().get<std::string>();
    }
  }
  return out;
}

std::string string_field(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

bool valid_digest(std::string_view digest) {
  const auto colon = digest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == digest.size()) {
    return false;
  }
  for (char c : digest.substr(0, colon)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  for (char c : digest.substr(colon + 1)) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '=' || c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

json descriptor_json(const Descriptor& d) {
  json out = {{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  if (!d.annotations.empty()) {
    out["annotations"] = d.annotations;
  }
  if (d.platform) {
    json platform = {{"architecture", d.platform->architecture}, {"os", d.platform->os}};
    if (!d.platform->variant.empty()) {
      platform["variant"] = d.platform->variant;
    }
    out["platform"] = std::move(platform);
  }
  if (!d.artifact_type.empty()) {
    out["artifactType"] = d.artifact_type;
  }
  return out;
}

Result<Descriptor> parse_descriptor(const json& value) {
  if (!value.is_object()) {
    return fail("descriptor is not an object");
  }
  Descriptor d;
  auto media = value.find("mediaType");
  auto digest = value.find("digest");
  auto size = value.find("size");
  if (media == value.end() || !media->is_string() || digest == value.end() ||
      !digest->is_string() || size == value.end() || !size->is_number_unsigned()) {
    return fail("descriptor needs mediaType, digest and size");
  }
  d.media_type = media->get<std::string>();
  d.digest = digest->get<std::string>();
  d.size = size->get<std::uint64_t>();
  if (!valid_digest(d.digest)) {
    return fail("descriptor digest {:?} is malformed", d.digest);
  }
  auto annotations = parse_annotations(value);
  if (!annotations) {
    return std::unexpected(annotations.error());
  }
  d.annotations = std::move(*annotations);
  if (auto it = value.find("platform"); it != value.end() && it->is_object()) {
    d.platform = Platform{string_field(*it, "architecture"), string_field(*it, "os"),
                          string_field(*it, "variant")};
  }
  d.artifact_type = string_field(value, "artifactType");
  return d;
}

std::string manifest_json(const Manifest& m) {
  json layers = json::array();
  for (const auto& layer : m.layers) {
    layers.push_back(descriptor_json(layer));
  }
  json out = {{"schemaVersion", 2},
              {"mediaType", m.media_type.empty() ? std::string(k_manifest_type) : m.media_type},
              {"config", descriptor_json(m.config)},
              {"layers", std::move(layers)}};
  if (!m.artifact_type.empty()) {
    out["artifactType"] = m.artifact_type;
  }
  if (m.subject) {
    out["subject"] = descriptor_json(*m.subject);
  }
  if (!m.annotations.empty()) {
    out["annotations"] = m.annotations;
  }
  return canonical_json(out);
}

Result<Manifest> parse_manifest(std::string_view text) {
  auto parsed = parse_json(text, "manifest");
  if (!parsed) {
    return std::unexpected(parsed.error());
  }
  const json& in = *parsed;
  if (!in.is_object() || !in.contains("config")) {
    return fail("manifest: not an image manifest (no config)");
  }
  Manifest m;
  m.media_type = string_field(in, "mediaType");
  m.artifact_type = string_field(in, "artifactType");
  auto config = parse_descriptor(in["config"]);
  if (!config) {
    return std::unexpected(config.error().context("manifest config"));
  }
  m.config = std::move(*config);
  if (auto it = in.find("layers"); it != in.end() && it->is_array()) {
    for (const auto& item : *it) {
      auto layer = parse_descriptor(item);
      if (!layer) {
        return std::unexpected(layer.error().context("manifest layer"));
      }
      m.layers.push_back(std::move(*layer));
    }
  }
  if (auto it = in.find("subject"); it != in.end() && !it->is_null()) {
    auto subject = parse_descriptor(*it);
    if (!subject) {
      return std::unexpected(subject.error().context("manifest subject"));
    }
    m.subject = std::move(*subject);
  }
  auto annotations = parse_annotations(in);
  if (!annotations) {
    return std::unexpected(annotations.error().context("manifest"));
  }
  m.annotations = std::move(*annotations);
  return m;
}

std::string index_json(const Index& index) {
  json manifests = json::array();
  for (const auto& d : index.manifests) {
    manifests.push_back(descriptor_json(d));
  }
  json out = {{"schemaVersion", 2},
              {"mediaType", std::string(k_index_type)},
              {"manifests", std::move(manifests)}};
  if (!index.annotations.empty()) {
    out["annotations"] = index.annotations;
  }
  return canonical_json(out);
}

Result<Index> parse_index(std::string_view text) {
  auto parsed = parse_json(text, "index");
  if (!parsed) {
    return std::unexpected(parsed.error());
  }
  const json& in = *parsed;
  if (!in.is_object()) {
    return fail("index: not a JSON object");
  }
  Index index;
  if (auto it = in.find("manifests"); it != in.end() && !it->is_null()) {
    if (!it->is_array()) {
      return fail("index: manifests must be an array");
    }
    for (const auto& item : *it) {
      auto d = parse_descriptor(item);
      if (!d) {
        return std::unexpected(d.error().context("index"));
      }
      index.manifests.push_back(std::move(*d));
    }
  }
  auto annotations = parse_annotations(in);
  if (!annotations) {
    return std::unexpected(annotations.error().context("index"));
  }
  index.annotations = std::move(*annotations);
  return index;
}

Descriptor describe(std::string_view media_type, std::string_view bytes) {
  Descriptor d;
  d.media_type = std::string(media_type);
  d.digest = "sha256:" + support::sha256_hex(bytes);
  d.size = bytes.size();
  return d;
}

std::string ref_name(const Descriptor& descriptor) {
  auto it = descriptor.annotations.find(std::string(k_ref_name));
  return it == descriptor.annotations.end() ? std::string() : it->second;
}

} // namespace distill::backend::oci
