#pragma once

// `distill build --build-context NAME=VALUE`: a name that FROM and COPY
// --from resolve to something other than what they say, like BuildKit's
// named contexts. VALUE is docker-image://REF (a registry image),
// oci-layout://DIR[:TAG] (an OCI layout on disk) or a local directory.

#include "planner/ir.hpp"
#include "support/error.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace distill::backend::registry {

struct NamedContext {
  enum class Kind { image, layout, directory };
  std::string name;  // as FROM / COPY --from write it
  Kind kind = Kind::image;
  std::string value; // image reference, layout directory, or directory path
  std::string tag;   // layout: the tag (or digest) in the layout; empty = its only image
};

// Parses NAME=VALUE; fails naming the argument when NAME or VALUE is empty,
// NAME holds upper case or spaces, or the image reference is invalid.
support::Result<NamedContext> parse_named_context(std::string_view argument);

// An oci-layout:// reference (the scheme included) as a layout base: the
// tag follows an '@' or the last ':' after the last '/'.
planner::LayoutBase parse_layout_reference(std::string_view reference);

// Points every FROM NAME and COPY --from=NAME that is not a stage of the plan
// at its named context (COPY --from then names "oci-layout://DIR[:TAG]" or the
// image reference). Directory contexts are not supported yet: an error at the
// line that uses one. Fails on a name given twice.
// COPY --from of a directory context names it as "context://ABSOLUTE_DIR".
inline constexpr std::string_view k_directory_scheme = "context://";

support::Result<void> apply_named_contexts(planner::Plan& plan, const std::vector<NamedContext>& contexts);

} // namespace distill::backend::registry
