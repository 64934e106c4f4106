#include "backend/registry/challenge.hpp"

#include <algorithm>
#include <cctype>

namespace distill::backend::registry {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return std::tolower(c); });
  return out;
}

void skip_blanks(std::string_view& text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == ',')) {
    text.remove_prefix(1);
  }
}

} // namespace

std::string Challenge::param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

std::optional<Challenge> parse_challenge(std::string_view header) {
  skip_blanks(header);
  const auto space = header.find_first_of(" \t");
  Challenge out;
  out.scheme = lower(header.substr(0, space));
  if (out.scheme.empty()) {
    return std::nullopt;
  }
  header = space == std::string_view::npos ? std::string_view() : header.substr(space);
  while (true) {
    skip_blanks(header);
    const auto equals = header.find('=');
    if (header.empty() || equals == std::string_view::npos) {
      break;
    }
    std::string name = lower(header.substr(0, equals));
    while (!name.empty() && name.back() == ' ') {
      name.pop_back();
    }
    header.remove_prefix(equals + 1);
    std::string value;
    if (!header.empty() && header.front() == '"') {
      // A quoted string, with backslash escapes.
      std::size_t i = 1;
      for (; i < header.size() && header[i] != '"'; ++i) {
        if (header[i] == '\\' && i + 1 < header.size()) {
          ++i;
        }
        value.push_back(header[i]);
      }
      header.remove_prefix(std::min(header.size(), i + 1));
    } else {
      const auto end = header.find(',');
      value = std::string(header.substr(0, end));
      while (!value.empty() && value.back() == ' ') {
        value.pop_back();
      }
      header = end == std::string_view::npos ? std::string_view() : header.substr(end);
    }
    out.params[name] = value;
  }
  return out;
}

} // namespace distill::backend::registry
