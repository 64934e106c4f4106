#include "backend/registry/named_context.hpp"

#include "backend/registry/reference.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

namespace distill::backend::registry {

namespace {

constexpr std::string_view k_image = "docker-image://";
constexpr std::string_view k_layout = "oci-layout://";

// What FROM wrote, for the base kinds a context can replace.
std::string written_reference(const planner::BaseKind& kind) {
  if (const auto* image = std::get_if<planner::ImageBase>(&kind)) {
    return image->reference;
  }
  if (const auto* distro = std::get_if<planner::DistroBase>(&kind)) {
    return distro->reference;
  }
  return {};
}

planner::BaseKind base_of(const NamedContext& context) {
  if (context.kind == NamedContext::Kind::layout) {
    return planner::LayoutBase{context.value, context.tag};
  }
  planner::ImageBase image;
  image.reference = context.value;
  if (const auto at = context.value.find('@'); at != std::string::npos) {
    image.digest = context.value.substr(at + 1);
  }
  return image;
}

// How COPY --from names the context's filesystem to the executor.
std::string copy_source(const NamedContext& context) {
  if (context.kind == NamedContext::Kind::layout) {
    // A digest joins with '@' so that parse_layout_reference splits it back at the right place.
    const char* join = context.tag.starts_with("sha256:") ? "@" : ":";
    return std::string(k_layout) + context.value + (context.tag.empty() ? "" : join + context.tag);
  }
  return context.value;
}

// A directory holds files, not an image: only COPY --from can use it (as in
// BuildKit, where a local named context is no base image).
support::Error directory_error(std::string_view what, const NamedContext& context, const planner::Ranges& where) {
  support::Error error{fmt::format("{}={}: the build context is a directory ({}); a base needs an image: use "
                                   "docker-image:// or oci-layout://",
                                   what, context.name, context.value),
                       std::nullopt};
  if (!where.empty()) {
    error.where = where.front();
  }
  return error;
}

} // namespace

planner::LayoutBase parse_layout_reference(std::string_view reference) {
  std::string_view rest = reference.starts_with(k_layout) ? reference.substr(k_layout.size()) : reference;
  planner::LayoutBase layout;
  const auto at = rest.find('@');
  const auto colon = rest.rfind(':');
  const auto slash = rest.rfind('/');
  if (at != std::string_view::npos) {
    layout.path = std::string(rest.substr(0, at));
    layout.tag = std::string(rest.substr(at + 1));
  } else if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    layout.path = std::string(rest.substr(0, colon));
    layout.tag = std::string(rest.substr(colon + 1));
  } else {
    layout.path = std::string(rest);
  }
  return layout;
}

support::Result<NamedContext> parse_named_context(std::string_view argument) {
  const auto eq = argument.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == argument.size()) {
    return support::fail("--build-context {}: write NAME=docker-image://REF, NAME=oci-layout://DIR[:TAG] or "
                         "NAME=PATH",
                         argument);
  }
  NamedContext out;
  out.name = std::string(argument.substr(0, eq));
  const bool bad_name = std::any_of(out.name.begin(), out.name.end(), [](unsigned char c) {
    return std::isupper(c) != 0 || std::isspace(c) != 0;
  });
  if (bad_name) {
    return support::fail("--build-context {}: the name \"{}\" must be lower case without spaces", argument, out.name);
  }
  std::string_view value = argument.substr(eq + 1);
  if (value.starts_with(k_image)) {
    out.kind = NamedContext::Kind::image;
    out.value = std::string(value.substr(k_image.size()));
    if (auto ref = parse_reference(out.value); !ref) {
      return std::unexpected(ref.error().context(fmt::format("--build-context {}", argument)));
    }
  } else if (value.starts_with(k_layout)) {
    out.kind = NamedContext::Kind::layout;
    auto layout = parse_layout_reference(value);
    out.value = layout.path;
    out.tag = layout.tag;
  } else if (value.find("://") != std::string_view::npos) {
    return support::fail("--build-context {}: only docker-image://, oci-layout:// and local directories are "
                         "supported",
                         argument);
  } else {
    out.kind = NamedContext::Kind::directory;
    out.value = std::string(value);
  }
  if (out.value.empty()) {
    return support::fail("--build-context {}: nothing after the scheme", argument);
  }
  return out;
}

support::Result<void> apply_named_contexts(planner::Plan& plan, const std::vector<NamedContext>& contexts) {
  std::set<std::string> seen;
  for (const auto& context : contexts) {
    if (!seen.insert(context.name).second) {
      return support::fail("--build-context {} is given twice", context.name);
    }
  }
  auto find = [&](std::string_view name) -> const NamedContext* {
    for (const auto& context : contexts) {
      if (context.name == name) {
        return &context;
      }
    }
    return nullptr;
  };
  for (auto& stage : plan.stages) {
    // A stage's own name wins over a context: the planner made it a StageBase.
    if (const auto* context = find(written_reference(stage.base.kind))) {
      if (context->kind == NamedContext::Kind::directory) {
        return std::unexpected(directory_error("FROM", *context, stage.base.where));
      }
      stage.base.kind = base_of(*context);
    }
    for (auto& step : stage.steps) {
      auto* copy = std::get_if<planner::Copy>(&step.op);
      if (copy == nullptr || copy->from_stage >= 0 || copy->from.empty()) {
        continue;
      }
      if (const auto* context = find(copy->from)) {
        if (context->kind == NamedContext::Kind::directory) {
          // A second local context: the executor copies from that directory.
          std::error_code ec;
          const auto absolute = std::filesystem::absolute(context->value, ec);
          copy->from = std::string(k_directory_scheme) + (ec ? context->value : absolute.string());
          continue;
        }
        copy->from = copy_source(*context);
      }
    }
  }
  return {};
}

} // namespace distill::backend::registry
