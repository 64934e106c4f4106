#include "support/source.hpp"

namespace distill::support {

std::string_view SourceFile::line(int wanted) const {
  if (wanted < 1) {
    return {};
  }
  std::string_view rest = text;
  for (int current = 1; current < wanted; ++current) {
    const auto newline = rest.find('\n');
    if (newline == std::string_view::npos) {
      return {};
    }
    rest.remove_prefix(newline + 1);
  }
  auto end = rest.find('\n');
  std::string_view result = rest.substr(0, end);
  if (!result.empty() && result.back() == '\r') {
    result.remove_suffix(1);
  }
  return result;
}

} // namespace distill::support
