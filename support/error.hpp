#pragma once

#include "support/source.hpp"

#include <expected>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace distill::support {

// A failure of an operation (I/O, network, a checksum, an archive), as
// opposed to a finding in the input (see diagnostic.hpp). `where` is set once,
// where the failing op is dispatched, so the message can point at the line.
struct Error {
  std::string message;
  std::optional<SourceRange> where;

  // Returns the error with "context: " prepended, apko style:
  // "unpacking libc6_2.36-9_amd64.deb: truncated archive".
  Error context(std::string_view what) const {
    return Error{fmt::format("{}: {}", what, message), where};
  }
};

template <typename T>
using Result = std::expected<T, Error>;

template <typename... Args>
std::unexpected<Error> fail(fmt::format_string<Args...> format, Args&&... args) {
  return std::unexpected(Error{fmt::format(format, std::forward<Args>(args)...), std::nullopt});
}

} // namespace distill::support
