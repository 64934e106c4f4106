#include "backend/archive/clearsign.hpp"

#include <vector>

namespace distill::backend::archive {

namespace {

constexpr std::string_view k_begin_message = "-----BEGIN PGP SIGNED MESSAGE-----";
constexpr std::string_view k_begin_signature = "-----BEGIN PGP SIGNATURE-----";
constexpr std::string_view k_end_signature = "-----END PGP SIGNATURE-----";

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// The lines of `text` without their terminators ("\n" or "\r\n").
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    lines.push_back(line);
    if (end == std::string_view::npos) {
      break;
    }
    text.remove_prefix(end + 1);
  }
  return lines;
}

} // namespace

support::Result<ClearsignedParts> split_clearsigned(std::string_view text, std::string_view what) {
  const auto lines = split_lines(text);
  std::size_t i = 0;
  while (i < lines.size() && is_blank(lines[i])) {
    ++i;
  }
  if (i == lines.size() || lines[i] != k_begin_message) {
    return support::fail("{}: not a clearsigned file (line {} is not \"{}\")", what, i + 1,
                         k_begin_message);
  }
  // Armor headers: only "Hash:" is defined for a cleartext message.
  for (++i; i < lines.size() && !lines[i].empty(); ++i) {
    if (!lines[i].starts_with("Hash: ")) {
      return support::fail("{}: line {}: unexpected armor header \"{}\"", what, i + 1, lines[i]);
    }
  }
  if (i == lines.size()) {
    return support::fail("{}: the signed message has no body", what);
  }
  ClearsignedParts parts;
  for (++i; i < lines.size() && lines[i] != k_begin_signature; ++i) {
    std::string_view line = lines[i];
    if (line.starts_with('-')) {
      if (!line.starts_with("- ")) {
        return support::fail("{}: line {}: \"{}\" inside the signed text (a second message or a "
                             "bad dash-escape)",
                             what, i + 1, line);
      }
      line.remove_prefix(2);
    }
    parts.body.append(line);
    parts.body.push_back('\n');
  }
  if (i == lines.size()) {
    return support::fail("{}: the signed message has no signature", what);
  }
  for (; i < lines.size(); ++i) {
    parts.signature.append(lines[i]);
    parts.signature.push_back('\n');
    if (lines[i] == k_end_signature) {
      break;
    }
  }
  if (i == lines.size()) {
    return support::fail("{}: the signature block has no end line", what);
  }
  for (++i; i < lines.size(); ++i) {
    if (!is_blank(lines[i])) {
      return support::fail("{}: line {}: unsigned data after the signature", what, i + 1);
    }
  }
  return parts;
}

} // namespace distill::backend::archive
