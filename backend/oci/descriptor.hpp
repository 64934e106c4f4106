#pragma once

// OCI content descriptors, image manifests and image indexes as plain data,
// with canonical serialisation and tolerant parsing.

#include "support/error.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace distill::backend::oci {

struct Platform {
  std::string architecture; // "amd64"
  std::string os;           // "linux"
  std::string variant;      // optional

  friend bool operator==(const Platform&, const Platform&) = default;
};

struct Descriptor {
  std::string media_type;
  std::string digest; // "sha256:<hex>"
  std::uint64_t size = 0;
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;
  std::string artifact_type; // optional

  friend bool operator==(const Descriptor&, const Descriptor&) = default;
};

struct Manifest {
  std::string media_type; // k_manifest_type
  std::string artifact_type;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;
};

struct Index {
  std::vector<Descriptor> manifests;
  std::map<std::string, std::string> annotations;
};

// True for "algorithm:encoded" with the OCI character sets (so it is a safe file name).
bool valid_digest(std::string_view digest);

nlohmann::json descriptor_json(const Descriptor& descriptor);
// Fails if mediaType, digest or size is missing or mistyped.
support::Result<Descriptor> parse_descriptor(const nlohmann::json& value);

// Canonical manifest bytes (schemaVersion 2, mediaType set).
std::string manifest_json(const Manifest& manifest);
// Fails on invalid JSON or a malformed descriptor.
support::Result<Manifest> parse_manifest(std::string_view json);

// Canonical index bytes (schemaVersion 2, mediaType set).
std::string index_json(const Index& index);
// Fails on invalid JSON or a malformed descriptor.
support::Result<Index> parse_index(std::string_view json);

// The descriptor of JSON bytes stored as a blob of `media_type`.
Descriptor describe(std::string_view media_type, std::string_view bytes);

// A tag's value in a descriptor (org.opencontainers.image.ref.name), or empty.
std::string ref_name(const Descriptor& descriptor);

} // namespace distill::backend::oci
