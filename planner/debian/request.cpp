#include "planner/debian/resolver.hpp"

#include <fmt/format.h>

namespace distill::planner::debian {

support::Result<Request> parse_request(std::string_view text) {
  Request request;
  std::string_view rest = text;
  std::size_t eq = rest.find('=');
  std::size_t slash = rest.find('/');
  if (eq != std::string_view::npos && slash != std::string_view::npos) {
    return support::fail("package request '{}': use either '=version' or '/release', not both", text);
  }
  if (eq != std::string_view::npos) {
    request.version = std::string(rest.substr(eq + 1));
    rest = rest.substr(0, eq);
    if (request.version.empty()) {
      return support::fail("package request '{}': missing version after '='", text);
    }
  } else if (slash != std::string_view::npos) {
    request.release = std::string(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
    if (request.release.empty()) {
      return support::fail("package request '{}': missing release after '/'", text);
    }
  }
  if (std::size_t colon = rest.find(':'); colon != std::string_view::npos) {
    request.arch = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (request.arch.empty()) {
      return support::fail("package request '{}': missing architecture after ':'", text);
    }
  }
  if (rest.empty()) {
    return support::fail("package request '{}': missing package name", text);
  }
  request.name = std::string(rest);
  return request;
}

std::string Reason::describe() const {
  if (requested) {
    return "requested";
  }
  if (parent.empty()) {
    return relation; // a rule rather than a dependency (minbase seeds)
  }
  return fmt::format("dependency of {} via '{}'", parent, relation);
}

} // namespace distill::planner::debian
