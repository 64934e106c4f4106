#include "backend/archive/keyring.hpp"

#include <openssl/evp.h>

namespace distill::backend::archive {

namespace {

constexpr std::string_view k_armor_begin = "-----BEGIN PGP ";
constexpr std::string_view k_armor_end = "-----END PGP ";

support::Result<std::string> decode_base64(std::string_view text, std::string_view what) {
  EVP_ENCODE_CTX* ctx = EVP_ENCODE_CTX_new();
  if (ctx == nullptr) {
    return support::fail("{}: out of memory", what);
  }
  EVP_DecodeInit(ctx);
  std::string out(text.size(), '\0');
  int produced = 0;
  int total = 0;
  const int rc = EVP_DecodeUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &produced,
                                  reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
  total += produced;
  int final_rc = 0;
  if (rc >= 0) {
    final_rc = EVP_DecodeFinal(ctx, reinterpret_cast<unsigned char*>(out.data()) + total, &produced);
    total += produced;
  }
  EVP_ENCODE_CTX_free(ctx);
  if (rc < 0 || final_rc < 0) {
    return support::fail("{}: the armored key block is not valid base64", what);
  }
  out.resize(static_cast<std::size_t>(total));
  return out;
}

} // namespace

std::filesystem::path default_keyring_path(std::string_view distro,
                                           const std::filesystem::path& root) {
  if (distro == "debian") {
    return root / "usr/share/keyrings/debian-archive-keyring.gpg";
  }
  if (distro == "ubuntu") {
    return root / "usr/share/keyrings/ubuntu-archive-keyring.gpg";
  }
  return {};
}

bool is_armored(std::string_view data) {
  const auto start = data.find_first_not_of(" \t\r\n");
  return start != std::string_view::npos && data.substr(start).starts_with(k_armor_begin);
}

support::Result<std::string> dearmor(std::string_view text, std::string_view what) {
  std::string packets;
  std::size_t blocks = 0;
  std::size_t pos = 0;
  while ((pos = text.find(k_armor_begin, pos)) != std::string_view::npos) {
    // Armor headers ("Version: ...") end at the first empty line.
    auto body = text.find("\n\n", pos);
    const auto body_crlf = text.find("\r\n\r\n", pos);
    const auto end = text.find(k_armor_end, pos);
    if (end == std::string_view::npos) {
      return support::fail("{}: an armored key block has no END line", what);
    }
    std::size_t skip = 2;
    if (body_crlf != std::string_view::npos && (body == std::string_view::npos || body_crlf < body)) {
      body = body_crlf;
      skip = 4;
    }
    if (body == std::string_view::npos || body > end) {
      return support::fail("{}: an armored key block has no blank line before its data", what);
    }
    std::string base64;
    for (char c : text.substr(body + skip, end - body - skip)) {
      if (c == '=' && (base64.empty() || base64.back() == '\n')) {
        break; // the "=XXXX" checksum line ends the data (padding never starts a line)
      }
      base64.push_back(c == '\r' ? '\n' : c);
    }
    auto decoded = decode_base64(base64, what);
    if (!decoded) {
      return std::unexpected(decoded.error());
    }
    packets += *decoded;
    ++blocks;
    pos = end + k_armor_end.size();
  }
  if (blocks == 0) {
    return support::fail("{}: no armored OpenPGP block found", what);
  }
  return packets;
}

} // namespace distill::backend::archive
