#include "backend/registry/base64.hpp"

#include <openssl/evp.h>

namespace distill::backend::registry {

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

support::Result<std::string> base64_decode(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ') {
      clean.push_back(c);
    }
  }
  if (clean.size() % 4 != 0) {
    return support::fail("not valid base64 (length {} is not a multiple of 4)", clean.size());
  }
  std::string out(clean.size() / 4 * 3 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) {
    return support::fail("not valid base64");
  }
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  std::size_t size = static_cast<std::size_t>(n);
  for (auto it = clean.rbegin(); it != clean.rend() && *it == '=' && size > 0; ++it) {
    --size;
  }
  out.resize(size);
  return out;
}

} // namespace distill::backend::registry
