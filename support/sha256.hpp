#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace distill::support {

// Incremental SHA-256 (OpenSSL underneath). Move-only.
class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(std::span<const std::byte> data);
  void update(std::string_view data);
  // Finishes and returns the 64-character lower-case hex digest.
  std::string hex_digest();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// The lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

} // namespace distill::support
